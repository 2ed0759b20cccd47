"""Seed the rules that mark sensitive messages (routing/seed_rules.py SENSITIVE_RULES).

They are inserted here, not in 0003: the RoutingRule table had no `mark_sensitive` column
before 0005. Like every seeded rule, managers edit them in the admin afterwards. tests/seed.py
replays this function (after 0003) when a transactional test flushed the tables.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from routing.seed_rules import SENSITIVE_RULES

    RoutingRule = apps.get_model("routing", "RoutingRule")
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
            mark_sensitive=rule.mark_sensitive,
            stop=rule.stop,
            skip_negated=rule.skip_negated,
        )
        for rule in SENSITIVE_RULES
    )


def unseed(apps, schema_editor):
    from routing.seed_rules import SENSITIVE_RULES

    apps.get_model("routing", "RoutingRule").objects.filter(
        name__in=[rule.name for rule in SENSITIVE_RULES], mark_sensitive=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("routing", "0005_rule_mark_sensitive")]

    operations = [migrations.RunPython(seed, unseed)]
