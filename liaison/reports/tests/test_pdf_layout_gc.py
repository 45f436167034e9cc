"""Issue 8: the cycle collector is paused while a document is laid out (a fifth of a batch's time) and is always
turned back on: after an error, after layouts in several threads, and never when it was off before."""

import gc
import threading

import pytest

from liaison.reports import pdf


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_issue8_paused_while_laying_out_and_on_again_after():
    with pdf.cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_issue8_on_again_after_a_layout_that_fails():
    with pytest.raises(ValueError), pdf.cyclic_gc_paused():
        raise ValueError("layout failed")
    assert gc.isenabled()


def test_issue8_layouts_in_several_threads_leave_it_on_only_when_the_last_ends():
    first_in, second_in, first_may_end, first_ended = (threading.Event() for _ in range(4))
    seen = {}

    def first():
        with pdf.cyclic_gc_paused():
            first_in.set()
            first_may_end.wait(5)
        first_ended.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with pdf.cyclic_gc_paused():
        second_in.set()
        first_may_end.set()
        first_ended.wait(5)
        seen["while the second lays out"] = gc.isenabled()
    thread.join(5)
    assert seen == {"while the second lays out": False}
    assert gc.isenabled()


def test_issue8_left_off_when_it_was_off_before():
    gc.disable()
    with pdf.cyclic_gc_paused():
        pass
    assert not gc.isenabled()


def test_issue8_a_document_laid_out_and_written_leaves_it_on():
    assert pdf.render_pdf("reports/pdf_base.html", {}).startswith(b"%PDF")
    assert gc.isenabled()
