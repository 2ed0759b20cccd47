"""Full-text search indexes for the queue's search box, on PostgreSQL only.

GIN indexes over the expressions `clinic_inbox.selectors.search` queries with. PostgreSQL
uses an expression index only for the very same expression, so they are written out here
as they stood when this migration was made: if the search's expressions change without a
migration rebuilding these indexes, the EXPLAIN tests of the search fail. Other databases
search by substring and get no index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Left

WORD_JOINERS = "@.-_/+()<>&"
SEARCHED_BODY_CHARS = 100_000


def _words_apart(expression):
    return Func(
        expression,
        Value(WORD_JOINERS),
        Value(" " * len(WORD_JOINERS)),
        function="TRANSLATE",
        output_field=TextField(),
    )


def _indexes(apps):
    fields = ("subject", "sender_name", "sender_email", "sender_phone")
    case_document = SearchVector(
        *(_words_apart(F(field)) for field in fields),
        _words_apart(Left("body", SEARCHED_BODY_CHARS)),
        config="simple",
    )
    patient_document = SearchVector(
        _words_apart(F("first_name")), _words_apart(F("last_name")), config="simple"
    )
    return [
        (apps.get_model("clinic_inbox", "Case"), GinIndex(case_document, name="case_search")),
        (
            apps.get_model("clinic_inbox", "Patient"),
            GinIndex(patient_document, name="patient_search"),
        ),
    ]


def _existing_indexes(schema_editor, model):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def add_indexes(apps, schema_editor):
    """Create the indexes; those already there are kept (data steps may be replayed)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        if index.name not in _existing_indexes(schema_editor, model):
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("clinic_inbox", "0012_first_response_business_time")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
