"""Install the default pipeline (6 stages + 2 terminal outcomes) and the three roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAGES = [
    # slug, Chinese, English, order, TRL min, TRL max, in valley, outcome
    ("lab", "科研成果", "Lab research", 1, 1, 3, False, ""),
    ("concept", "概念验证", "Proof of concept", 2, 3, 4, False, ""),
    ("prototype", "原型开发", "Prototype", 3, 4, 6, True, ""),
    ("pilot", "中试验证", "Pilot & validation", 4, 6, 7, True, ""),
    ("first-sales", "首单商用", "First commercial sales", 5, 7, 8, False, ""),
    ("scale-up", "规模化", "Scale-up", 6, 8, 9, False, ""),
    ("exited", "已退出", "Exited (IPO / acquisition)", 90, 7, 9, False, "exited"),
    ("closed", "已关闭", "Closed (failed / stopped)", 99, 1, 9, False, "closed"),
]

INCUBATOR_MODELS = [
    "institution",
    "startup",
    "stagetransition",
    "milestone",
    "kpireport",
    "investor",
    "fundinground",
    "participation",
]
FUND_MODELS = ["commitment", "disbursement", "valuationmark", "distribution"]
ALL_MODELS = [*INCUBATOR_MODELS, *FUND_MODELS, "stage", "fund"]

ROLES = {
    # read all, write incubator data and rounds
    "incubator-staff": [f"view_{m}" for m in ALL_MODELS]
    + [f"{a}_{m}" for m in INCUBATOR_MODELS for a in ("add", "change")]
    + ["delete_milestone", "delete_kpireport"],
    # read all, write the fund's decisions and cash flows
    "fund-managers": [f"view_{m}" for m in ALL_MODELS]
    + [f"{a}_{m}" for m in FUND_MODELS for a in ("add", "change")]
    + ["change_fund"],
    # read only
    "viewers": [f"view_{m}" for m in ALL_MODELS],
}


def install(apps, schema_editor):
    Stage = apps.get_model("portfolio", "Stage")
    for slug, name, name_en, order, trl_min, trl_max, in_valley, outcome in STAGES:
        Stage.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "order": order,
                "trl_min": trl_min,
                "trl_max": trl_max,
                "in_valley": in_valley,
                "outcome": outcome,
            },
        )

    # Permissions are normally created after migrate; create them now so roles can hold them.
    portfolio_config = apps.get_app_config("portfolio")
    portfolio_config.models_module = True
    create_permissions(portfolio_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=codenames
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
        group.permissions.set(perms)


def uninstall(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
