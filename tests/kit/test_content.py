"""Every day's checks are themselves tested: the reference passes, the stub is not started, every
known-wrong variant is caught and every alternative-correct one accepted."""

from functools import cache

import pytest

from daykit.checking.verify import DayContent, coverage_problems, reference_problems, stub_problems, variant_problem
from daykit.course import Course

COURSE = Course.here()
DAYS = COURSE.days()


@cache
def load(day):
    return DayContent.load(COURSE, day)


@pytest.fixture(params=DAYS)
def content(request):
    return load(request.param)


def test_reference_passes_every_check(content):
    assert reference_problems(content) == []


def test_stub_is_not_started_on_every_task(content):
    assert stub_problems(COURSE, content) == []


def test_every_task_has_variants_hints_and_checks(content):
    assert coverage_problems(content) == []


def _variants():
    for day in DAYS:
        path = COURSE.variants(day)
        for index, variant in enumerate(load(day).variants if path.exists() else []):
            yield pytest.param(day, index, id=f"{day}-{variant.slug}")


@pytest.mark.parametrize(("day", "index"), list(_variants()))
def test_variant(day, index):
    content = load(day)
    assert variant_problem(content, content.variants[index]) is None
