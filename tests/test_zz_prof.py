import time
from tests.test_imports import lesson_row, dataset, upload, confirm, staff_client, COORDINATOR
from lessons.models import Lesson
import pytest
pytestmark = pytest.mark.django_db

def test_time(programme):
    coordinator, _ = staff_client(COORDINATOR, "coordinator")
    rows = [lesson_row(programme, slug=f"les-{n}", title=f"Les {n}", body=f"Het **waterschap** leerde {n}.", status="published", visibility="public", tags=f"rivier{n % 50}, Samenwerking") for n in range(5000)]
    t = time.perf_counter()
    preview = upload(coordinator, dataset(rows))
    print("\\npreview 5000 new", round(time.perf_counter() - t, 2))
    t = time.perf_counter()
    confirm(coordinator, preview)
    print("confirm 5000 new", round(time.perf_counter() - t, 2), Lesson.objects.count())
    rows = [dict(row, title=row["title"] + " bijgewerkt") for row in rows]
    t = time.perf_counter()
    preview = upload(coordinator, dataset(rows))
    print("preview 5000 updates", round(time.perf_counter() - t, 2))
    t = time.perf_counter()
    confirm(coordinator, preview)
    print("confirm 5000 updates", round(time.perf_counter() - t, 2), Lesson.objects.filter(title__endswith="bijgewerkt").count())
