"""A serving process freezes what start-up loaded out of the garbage collector's
full collections (copplatform/runtime.py), so a page's time does not grow with the
garbage its neighbours leave."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WSGI = "import copplatform.wsgi  # what gunicorn imports in each worker"
# What a Celery prefork pool process receives once forked.
CELERY = """
import django; django.setup()
from celery.signals import worker_process_init
import copplatform.celery
worker_process_init.send(sender=None)
"""

PROBE = """
import gc, json, os, sys
sys.path.insert(0, os.getcwd())
before = gc.get_threshold()
{start}
print(json.dumps({"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                  "before": before,
                  "views_loaded": "communities.views" in sys.modules}))
"""


@pytest.mark.parametrize("start", [WSGI, CELERY], ids=["wsgi", "celery"])
def test_a_serving_process_freezes_its_start_up_objects_and_collects_less_often(tmp_path, start):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "copplatform.settings.base",
        "GC_YOUNG_THRESHOLD": "40000",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("{start}", start)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    # Django, the apps and every view module (the URLconf was loaded first).
    assert probe["views_loaded"]
    assert probe["frozen"] > 50_000
    assert probe["threshold"][0] == 40_000
    assert probe["threshold"][1:] == probe["before"][1:]
