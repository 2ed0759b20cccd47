"""Demo data for trying Clinic Inbox: staff logins, patients, and two weeks of cases whose
histories are replayed through the services. Entry point: `load_demo_data`."""

from clinic_inbox.demo.loader import (
    DEFAULT_CASES,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DemoError,
    DemoReplayError,
    DemoResult,
    Login,
    load_demo_data,
)

__all__ = [
    "DEFAULT_CASES",
    "DEFAULT_PASSWORD",
    "DEFAULT_SEED",
    "DemoError",
    "DemoReplayError",
    "DemoResult",
    "Login",
    "load_demo_data",
]
