"""One endpoint per locust run: BENCH_TARGET names it in the JSON file BENCH_TARGETS points to
({"name": {"path": ..., "cookie": ..., "token": ...}}). Closed loop, no think time."""

import json
import os

from locust import task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["BENCH_TARGETS"]) as fh:
    TARGET = json.load(fh)[os.environ["BENCH_TARGET"]]


class Reader(FastHttpUser):
    @task
    def get(self):
        headers = {}
        if TARGET.get("cookie"):
            # A signed-in browser's cookies: its session and the CSRF cookie its pages' forms are signed for.
            headers["Cookie"] = f"sessionid={TARGET['cookie']}; csrftoken={TARGET['csrf']}"
        if TARGET.get("fresh"):
            headers["Cache-Control"] = "no-cache"  # rendered, not served from the page cache
        if TARGET.get("token"):
            headers["Authorization"] = f"Bearer {TARGET['token']}"
        with self.client.get(
            TARGET["path"],
            headers=headers,
            name=os.environ["BENCH_TARGET"],
            catch_response=True,
            allow_redirects=False,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"status {resp.status_code}")
