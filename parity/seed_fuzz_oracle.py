"""Seed the differential fuzzer's own organization on a PostHog you administer (idempotent).

The same roles as parity/seed_oracle.py, in an organization of their own (user
fuzz@example.com, projects "Parity Fuzz Project Main" and "... Other", keys phx_fuzzz_...), so a
fuzz run, whose lists depend on what its main project holds, never shares a project with the
corpus' recordings or live diffs. Run it like seed_oracle.py:
    python manage.py shell < parity/seed_fuzz_oracle.py
It prints the environment variables `make parity-fuzz` reads.
"""

from posthog.models import PersonalAPIKey, Team, User
from posthog.models.personal_api_key import hash_key_value
from posthog.models.utils import mask_key_value

EMAIL = "fuzz@example.com"
PASSWORD = "fuzz-password-123"  # noqa: S105 - a local test server's seed user

user = User.objects.filter(email=EMAIL).first()
if user is None:
    org, main, user = User.objects.bootstrap(
        organization_name="Parity Fuzz Org",
        email=EMAIL,
        password=PASSWORD,
        first_name="Fuzz",
        team_fields={"name": "Parity Fuzz Project Main"},
    )
else:
    org = user.organization
    main = (
        Team.objects.filter(organization=org, name="Parity Fuzz Project Main")
        .order_by("id")
        .first()
    )

other = Team.objects.filter(organization=org, name="Parity Fuzz Project Other").first()
if other is None:
    other = Team.objects.create_with_data(
        initiating_user=user, organization=org, name="Parity Fuzz Project Other"
    )
if user.current_team_id != main.id:
    user.current_team = main
    user.current_organization = org
    user.save()

# A project of another organization, which the parity user cannot access.
foreign = Team.objects.exclude(organization=org).order_by("id").first()

KEYS = [
    # (env var, raw value, scopes, scoped_teams)
    ("POSTHOG_PERSONAL_API_KEY", "phx_fuzzz_all_scopes_key_00000000000000000000000", ["*"], None),
    (
        "PARITY_READ_KEY",
        "phx_fuzzz_experiment_read_key_000000000000000000",
        ["experiment:read"],
        None,
    ),
    (
        "PARITY_WRITE_KEY",
        "phx_fuzzz_experiment_write_key_00000000000000000",
        ["experiment:write"],
        None,
    ),
    (
        "PARITY_OTHER_PROJECT_KEY",
        "phx_fuzzz_other_project_only_key_00000000000000",
        ["*"],
        [other.id],
    ),
    (
        "PARITY_FLAG_READ_KEY",
        "phx_fuzzz_feature_flag_read_key_0000000000000000",
        ["feature_flag:read"],
        None,
    ),
    ("PARITY_LEGACY_KEY", "phx_fuzzz_legacy_no_scopes_key_00000000000000000", None, None),
    ("PARITY_THROTTLE_KEY", "phx_fuzzz_throttle_key_0000000000000000000000000", ["*"], None),
]
for env, raw, scopes, scoped_teams in KEYS:
    PersonalAPIKey.objects.update_or_create(
        secure_value=hash_key_value(raw),
        defaults=dict(
            user=user,
            label=f"parity fuzz {env.lower()}",
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
