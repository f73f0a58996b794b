"""The Flask application factory of the stand-in outside systems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, jsonify

from standins.consultations import ConsultationBook
from standins.courier import Courier, RetryPolicy
from standins.faults import Fault, FaultBook
from standins.payments import PaymentLedger
from standins.seed import Seed, read_seed

health = Blueprint("health", __name__)


def system_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@health.get("/health")
def answer_health():
    """Answer that the stand-ins are up."""
    return jsonify(status="ok")


@dataclass
class StandIns:
    """The state of the stand-in systems behind one app."""

    seed: Seed
    payments: PaymentLedger
    consultations: ConsultationBook
    faults: FaultBook
    courier: Courier
    clock: Callable[[], datetime]


class StandInApp(Flask):
    """A Flask app that owns the thread delivering consultation answers."""

    @property
    def standins(self) -> StandIns:
        return self.extensions["standins"]

    def shutdown(self) -> None:
        """Stop delivering consultation answers."""
        self.standins.courier.shutdown()


def create_app(seed: dict[str, Any] | None = None, test_config: dict[str, Any] | None = None) -> StandInApp:
    """Build the stand-ins over `seed` (the shipped seed.json by default); start delivering answers."""
    app = StandInApp(__name__)
    app.config.from_mapping(
        ENGINE_URL="http://127.0.0.1:8080",
        ENGINE_TOKEN=None,
        CLOCK=system_now,
        ENGINE_TRANSPORT=None,  # an httpx transport, for tests
        DELIVERY_RETRY=RetryPolicy(),
        DELIVERY_POLL_SECONDS=0.5,
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("DELIVER_IN_BACKGROUND", not app.testing)
    app.extensions["standins"] = _stand_ins(Seed(read_seed() if seed is None else seed), app.config)

    from standins import consultation_api, errors, faults, payments, records

    errors.init_app(app)
    faults.init_app(app)
    for blueprint in (health, payments.bp, records.bp, consultation_api.bp):
        app.register_blueprint(blueprint)
    if app.config["DELIVER_IN_BACKGROUND"]:
        app.standins.courier.start(app.config["DELIVERY_POLL_SECONDS"])
    return app


def _stand_ins(seed: Seed, config: dict[str, Any]) -> StandIns:
    consultations = ConsultationBook()
    courier = Courier(
        consultations,
        config["ENGINE_URL"],
        config["ENGINE_TOKEN"],
        clock=config["CLOCK"],
        policy=config["DELIVERY_RETRY"],
        transport=config["ENGINE_TRANSPORT"],
    )
    return StandIns(
        seed=seed,
        payments=PaymentLedger(seed),
        consultations=consultations,
        faults=FaultBook([Fault.read(fault) for fault in seed.faults]),
        courier=courier,
        clock=config["CLOCK"],
    )
