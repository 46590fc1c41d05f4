"""The roles on the fund's investors (LPs): everyone reads them; fund managers record
commitments, calls, payments, expenses and distributions (the 让利 rule is a fund term)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LP_MODELS = [
    "limitedpartner",
    "lpcommitment",
    "capitalcall",
    "capitalcallitem",
    "capitalcallpayment",
    "fundexpense",
    "lpdistribution",
    "lpdistributionallocation",
    "reallocationrule",
    "reallocationbeneficiary",
]
MANAGER_WRITES = [
    "limitedpartner",
    "lpcommitment",
    "capitalcall",
    "capitalcallpayment",
    "fundexpense",
    "lpdistribution",
]
GRANTS = {
    "viewers": [f"view_{m}" for m in LP_MODELS],
    "incubator-staff": [f"view_{m}" for m in LP_MODELS],
    "fund-managers": [f"view_{m}" for m in LP_MODELS]
    + [f"{a}_{m}" for m in MANAGER_WRITES for a in ("add", "change")],
}


def grant(apps, schema_editor):
    config = apps.get_app_config("portfolio")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=codenames
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="portfolio", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0007_lp_layer")]

    operations = [migrations.RunPython(grant, revoke)]
