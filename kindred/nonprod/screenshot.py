"""Take the README's screenshot: sign in to a running demo as the demo coordinator and capture
their home page. `make screenshot` (with `make run` going in another terminal)."""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

from kindred.nonprod.constants import DEMO_PASSWORD, demo_email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default=demo_email("coordinator"))
    parser.add_argument("--organisation", default="Stockport Wellbeing Centre")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(base_url=args.url, viewport={"width": 1100, "height": 900})
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(args.email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if "/organisation/" in page.url:
            page.get_by_role("button", name=f"Act for {args.organisation}").click()
        page.screenshot(path=args.out, full_page=False)
        browser.close()


if __name__ == "__main__":
    main()
