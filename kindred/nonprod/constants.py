"""Demo sign-in details, importable without Django (the screenshot script uses them)."""

DEMO_PASSWORD = "kindred-demo-2026"  # demo data only; never installed in production
DEMO_DOMAIN = "demo.kindred.example"


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"
