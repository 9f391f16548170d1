"""Seed what the parity corpus needs on a PostHog you administer (idempotent).

Run it inside PostHog's source folder with PostHog's environment loaded:
    python manage.py shell < parity/seed_oracle.py
It creates (or reuses) an organization of its own with one user whose current project is the
dedicated, empty recording project, a second project of that organization, and personal API
keys with fixed raw values, one per key role of parity/targets.py. It prints the environment
variables `make parity-record` and `make parity-live` read.

With `PARITY_SEED=fuzz` in the environment it seeds the same roles in an organization of their
own for the differential fuzzer (user fuzz@example.com, projects "Parity Fuzz Project Main" and
"... Other", keys phx_fuzzz_...), so a fuzz run, whose lists depend on what its main project
holds, never shares a project with the corpus' recordings or live diffs; it then prints the
variables `make parity-fuzz` reads.
"""

import os

from posthog.models import PersonalAPIKey, Team, User
from posthog.models.personal_api_key import hash_key_value
from posthog.models.utils import mask_key_value

FUZZ = os.environ.get("PARITY_SEED", "corpus") == "fuzz"
TAG, NAME = ("fuzzz", "Parity Fuzz") if FUZZ else ("parity", "Parity")
EMAIL = f"{'fuzz' if FUZZ else 'parity'}@example.com"
PASSWORD = f"{'fuzz' if FUZZ else 'parity'}-password-123"

user = User.objects.filter(email=EMAIL).first()
if user is None:
    org, main, user = User.objects.bootstrap(
        organization_name=f"{NAME} Org",
        email=EMAIL,
        password=PASSWORD,
        first_name="Fuzz" if FUZZ else "Parity",
        team_fields={"name": f"{NAME} Project Main"},
    )
else:
    org = user.organization
    main = Team.objects.filter(organization=org, name=f"{NAME} Project Main").order_by("id").first()

other = Team.objects.filter(organization=org, name=f"{NAME} Project Other").first()
if other is None:
    other = Team.objects.create_with_data(
        initiating_user=user, organization=org, name=f"{NAME} Project Other"
    )
if user.current_team_id != main.id:
    user.current_team = main
    user.current_organization = org
    user.save()

# A project of another organization, which the parity user cannot access.
foreign = Team.objects.exclude(organization=org).order_by("id").first()

KEYS = [
    # (env var, raw value, scopes, scoped_teams)
    ("POSTHOG_PERSONAL_API_KEY", f"phx_{TAG}_all_scopes_key_00000000000000000000000", ["*"], None),
    (
        "PARITY_READ_KEY",
        f"phx_{TAG}_experiment_read_key_000000000000000000",
        ["experiment:read"],
        None,
    ),
    (
        "PARITY_WRITE_KEY",
        f"phx_{TAG}_experiment_write_key_00000000000000000",
        ["experiment:write"],
        None,
    ),
    (
        "PARITY_OTHER_PROJECT_KEY",
        f"phx_{TAG}_other_project_only_key_00000000000000",
        ["*"],
        [other.id],
    ),
    (
        "PARITY_FLAG_READ_KEY",
        f"phx_{TAG}_feature_flag_read_key_0000000000000000",
        ["feature_flag:read"],
        None,
    ),
    ("PARITY_LEGACY_KEY", f"phx_{TAG}_legacy_no_scopes_key_00000000000000000", None, None),
    ("PARITY_THROTTLE_KEY", f"phx_{TAG}_throttle_key_0000000000000000000000000", ["*"], None),
]
for env, raw, scopes, scoped_teams in KEYS:
    PersonalAPIKey.objects.update_or_create(
        secure_value=hash_key_value(raw),
        defaults=dict(
            user=user,
            label=f"{NAME.lower()} {env.lower()}",
            mask_value=mask_key_value(raw),
            scopes=scopes,
            scoped_teams=scoped_teams,
        ),
    )

print(f"POSTHOG_PROJECT_ID={main.id}")
print(f"PARITY_OTHER_PROJECT_ID={other.id}")
print(f"PARITY_FOREIGN_PROJECT_ID={foreign.id if foreign else ''}")
for env, raw, _scopes, _teams in KEYS:
    print(f"{env}={raw}")
