"""ShopConfig read through the settings: validation messages, secrets hidden, token URL derivation."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from srpipeline.settings import read_settings
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.errors import ConfigError


def from_env(environ: dict[str, str]) -> ShopConfig:
    return read_settings(environ).shop.config()


BASIC = {
    "SHOPRENTER_API_URL": "https://MyShop.api.myshoprenter.hu/",
    "SHOPRENTER_USERNAME": "apiuser",
    "SHOPRENTER_PASSWORD": "hunter2-password",
}
OAUTH = {
    "SHOPRENTER_API_URL": "https://myshop.api2.myshoprenter.hu/api",
    "SHOPRENTER_CLIENT_ID": "client-1",
    "SHOPRENTER_CLIENT_SECRET": "s3cret-value",
}


def test_basic_from_env() -> None:
    config = from_env({**BASIC, "SHOPRENTER_RATE": "2.5"})
    assert config.auth_mode == "basic"
    assert config.rate == 2.5
    assert config.password is not None and config.password.get_secret_value() == "hunter2-password"
    assert config.normalized_url == "https://myshop.api.myshoprenter.hu"
    assert config.resolved_token_url is None


def test_oauth_token_url_is_derived_from_the_api2_host() -> None:
    config = from_env(OAUTH)
    assert config.auth_mode == "oauth2"
    assert config.resolved_token_url == "https://oauth.app.shoprenter.net/myshop/app/token"
    assert config.rate == 3.0 and config.page_size == 200


def test_secrets_never_in_repr_or_str() -> None:
    for config in (from_env(BASIC), from_env(OAUTH)):
        shown = repr(config) + str(config)
        assert "hunter2-password" not in shown and "s3cret-value" not in shown
    plain = ShopConfig(api_url="https://x.api.myshoprenter.hu", username="u", password="hunter2-password")
    assert isinstance(plain.password, SecretStr) and "hunter2-password" not in repr(plain) + str(plain)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SHOPRENTER_API_URL is not set"),
        ({"SHOPRENTER_API_URL": "https://x.api.myshoprenter.hu"}, "no shop credentials"),
        ({**BASIC, "SHOPRENTER_CLIENT_ID": "c", "SHOPRENTER_CLIENT_SECRET": "s"}, "set only one pair"),
        (
            {**BASIC, "SHOPRENTER_PASSWORD": ""},
            "SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD must both be set",
        ),
        (
            {**OAUTH, "SHOPRENTER_CLIENT_SECRET": ""},
            "SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET must both",
        ),
        (
            {**BASIC, "SHOPRENTER_API_URL": "http://myshop.api.myshoprenter.hu"},
            "never send credentials over plain http",
        ),
        ({**BASIC, "SHOPRENTER_API_URL": "myshop.api.myshoprenter.hu"}, "must look like https://"),
        ({**BASIC, "SHOPRENTER_API_URL": "https://u:pw@x.hu"}, "must not contain credentials"),
        ({**OAUTH, "SHOPRENTER_API_URL": "https://127.0.0.1:8080/api"}, "set SHOPRENTER_TOKEN_URL"),
        ({**BASIC, "SHOPRENTER_RATE": "fast"}, "SHOPRENTER_RATE must be a number"),
    ],
)
def test_validation_messages_are_one_actionable_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env(env)
    assert message in caught.value.reason
    assert "\n" not in caught.value.reason
    assert "hunter2-password" not in caught.value.reason and "pw@" not in caught.value.reason


def test_plain_http_is_allowed_to_localhost_only() -> None:
    config = from_env({**BASIC, "SHOPRENTER_API_URL": "http://127.0.0.1:8080"})
    assert config.normalized_url == "http://127.0.0.1:8080"
    oauth = from_env(
        {
            **OAUTH,
            "SHOPRENTER_API_URL": "http://localhost:9/api",
            "SHOPRENTER_TOKEN_URL": "http://localhost:9/oauth/t",
        }
    )
    assert oauth.resolved_token_url == "http://localhost:9/oauth/t"
