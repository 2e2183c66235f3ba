"""The load of `make bench` (tests/perf/test_bench_dashboards.py::test_bench_load): a scenario per
role against gunicorn. The test hands each role its signed-in sessions and its pages in the
environment (LOAD_PLAN), so this file needs no Django of its own."""

import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(os.environ.get("LOAD_PLAN", "{}"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOURS = re.compile(r'name="(h_[^"]+)"[^>]*?(?:value="([^"]*)")?[ />]')


class _Role(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        plan = PLAN[self.role]
        self.pages = list(plan["pages"])
        person = random.randrange(len(plan["sessions"]))
        self.client.cookies.set(plan["cookie_name"], plan["sessions"][person])
        if "own_course" in plan:  # a leader's course is one at their own institution
            self.pages.append(("Forløb (et)", plan["own_course"][person]))

    def _page(self) -> None:
        name, url = random.choice(self.pages)
        with self.client.get(url, name=name, catch_response=True) as response:
            # A redirect (to the login or the second factor's code page) is not the page.
            if response.history or response.status_code != 200:
                response.failure(f"{response.status_code} via {len(response.history)} redirects")
            else:
                response.success()


class Administration(_Role):
    role = "administration"
    weight = 1

    @task
    def page(self) -> None:
        self._page()


class Leader(_Role):
    role = "leader"
    weight = 2

    @task
    def page(self) -> None:
        self._page()


class Pedagogist(_Role):
    role = "pedagogist"
    weight = 2

    @task(3)
    def page(self) -> None:
        self._page()

    @task(1)
    def save_week(self) -> None:
        """Read this week's sheet and save it as it stands."""
        url = PLAN[self.role]["week_sheet"]
        with self.client.get(url, name="Ugeseddel (læs)", catch_response=True) as page:
            if page.history or page.status_code != 200:
                page.failure(f"{page.status_code} via {len(page.history)} redirects")
            else:
                page.success()
        token = CSRF.search(page.text)
        if token is None:
            return
        data = {"csrfmiddlewaretoken": token.group(1), "action": "save", "note": ""}
        data.update({name: value or "" for name, value in HOURS.findall(page.text)})
        self.client.post(url, data=data, name="Ugeseddel (gem)", headers={"Referer": url})
