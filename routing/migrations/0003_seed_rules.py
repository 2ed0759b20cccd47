"""Seed the default routing rules and red-flag terms from routing/seed_rules.py.

Managers edit them in the admin afterwards; later changes to seed_rules.py reach existing
clinics only through a new migration.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS

    RoutingRule = apps.get_model("routing", "RoutingRule")
    RedFlagTerm = apps.get_model("routing", "RedFlagTerm")
    RoutingRule.objects.bulk_create(
        RoutingRule(
            name=rule.name,
            position=rule.position,
            active=rule.active,
            channels=list(rule.channels),
            any_terms="\n".join(rule.any_terms),
            all_terms="\n".join(rule.all_terms),
            regex=rule.regex,
            field=rule.field,
            when_category_id=rule.when_category or None,
            set_category_id=rule.set_category or None,
            set_tier_id=rule.set_tier or None,
            set_owner=rule.set_owner,
            raise_red_flag=rule.raise_red_flag,
            stop=rule.stop,
            skip_negated=rule.skip_negated,
        )
        for rule in DEFAULT_RULES
    )
    RedFlagTerm.objects.bulk_create(
        RedFlagTerm(term=term.term, kind=term.kind, language=term.language, active=term.active)
        for term in DEFAULT_TERMS
    )


def unseed(apps, schema_editor):
    apps.get_model("routing", "RoutingRule").objects.all().delete()
    apps.get_model("routing", "RedFlagTerm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("routing", "0002_seed_vocabulary")]

    operations = [migrations.RunPython(seed, unseed)]
