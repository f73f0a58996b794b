"""The act of destruction (para 6): the documents go, the act stays, in Kazakh and then Russian."""

from __future__ import annotations

from datetime import datetime

import time_machine

from engine.worker import TaskContext
from procedure.calendar import ALMATY
from tests.workers.test_documents_in_two_languages import text_of
from workers.records import destroy_records

REPORT = {
    "reference": "R-1",
    "kind": "execution_report",
    "digest": "ab12",
    "received_at": "2026-01-12T05:00:00+00:00",
}


def test_the_documents_are_destroyed_and_the_act_names_them_in_both_languages(documents):
    license_pdf = documents / "APP-1" / "license-216KZ26001000001.pdf"
    license_pdf.parent.mkdir(parents=True)
    license_pdf.write_bytes(b"%PDF-1.4 the license")
    context = TaskContext(
        "task-5", "case-1", "APP-1", "records.destroy", 1, "case-1:task-5", documents=lambda: [REPORT]
    )

    with time_machine.travel(datetime(2029, 4, 16, 9, 1, tzinfo=ALMATY), tick=False):
        result = destroy_records(str(license_pdf), None, "2026-04-15", "expired", "ru", context=context)

    act = result["destruction_act"]
    assert not license_pdf.exists()
    assert (act["destroyed_on"], act["kept_since"], act["documents"]) == (
        "2029-04-16",
        "2026-04-15",
        ["license-216KZ26001000001.pdf"],
    )
    text = text_of(act["act_document"])
    assert text.index("Құжаттарды жою актісі") < text.index("Акт об уничтожении документов")
    assert "Жойылған күн: 16 сәуір 2029" in text and "Дата уничтожения: 16 апреля 2029" in text
    assert "Себебі: лицензияның қолданылу мерзімі аяқталды" in text
    assert "Причина: истек срок действия лицензии" in text
    assert text.count("license-216KZ26001000001.pdf") == 2
    assert (
        "R-1 (12 қаңтар 2026, 10:00 (Asia/Almaty))" in text
        and "R-1 (12 января 2026, 10:00 (Asia/Almaty))" in text
    )
    assert "пункт 6: хранятся 3 (три) года" in text
