"""The docker-compose reference of the scale-out mode supervises what it runs."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def test_every_long_running_service_is_restarted_when_it_exits():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    one_shot = {"migrate"}
    assert {"asgi-1", "asgi-2", "worker", "beat", "db", "redis"} <= set(services)
    for name, service in services.items():
        expected = "no" if name in one_shot else "unless-stopped"
        assert service.get("restart") == expected, name
