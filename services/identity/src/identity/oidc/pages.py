"""The hosted login page's HTML: zh-CN first, en second; phone-sized; no external assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
LANGS = ("zh-CN", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "智慧社区 统一登录",
        "sign_in_to": "登录以继续使用",
        "username": "用户名或手机号",
        "password": "密码",
        "login": "登录",
        "other_lang": "English",
        "mfa_title": "两步验证",
        "mfa_hint": "请输入身份验证器应用中的 6 位验证码，或一个恢复码。",
        "mfa_send_sms": "改用短信验证码（发送到账号绑定的手机）",
        "code": "验证码",
        "verify": "验证",
        "enrol_title": "设置两步验证",
        "enrol_hint": "您的角色要求两步验证。请在手机上的身份验证器应用（如 Google "
        "Authenticator、Microsoft Authenticator）中添加以下密钥，然后输入应用显示的 6 位验证码。",
        "secret": "密钥",
        "enrol_link": "在本机打开身份验证器",
        "recovery_title": "请保存恢复码",
        "recovery_hint": "手机丢失时，每个恢复码可代替验证码使用一次。它们只显示这一次。",
        "continue": "继续",
        "consent_title": "授权确认",
        "consent_hint": "以下应用请求访问您的账户信息：",
        "allow": "同意",
        "deny": "拒绝",
        "scope.openid": "确认您的身份",
        "scope.profile": "您的姓名和用户名",
        "scope.roles": "您的角色及其管理范围",
        "error_title": "无法登录",
        "logged_out": "您已退出登录。",
        "auth.invalid_credentials": "用户名或密码错误。",
        "auth.account_locked": "多次登录失败，账户已临时锁定，请稍后再试。",
        "auth.too_many_attempts": "登录失败次数过多，请稍后再试。",
        "auth.account_disabled": "该账户已停用。",
        "mfa.invalid_code": "验证码不正确或已使用过。",
        "oidc.expired": "登录页面已过期，请返回应用重新登录。",
        "oidc.invalid_request": "应用的登录请求无效，请联系应用提供方。",
        "missing": "请填写所有字段。",
        "password_tab": "密码登录",
        "sms_tab": "验证码登录",
        "mobile": "手机号",
        "get_code": "获取验证码",
        "sms_code": "短信验证码（6 位）",
        "sms_sent": "验证码已发送，5 分钟内有效。",
        "mobile.format": "请输入 11 位中国大陆手机号。",
        "sms.invalid_code": "验证码不正确或已失效，请重新获取。",
        "sms.too_soon": "验证码刚刚已发送，请 1 分钟后再重新获取。",
        "sms.daily_limit": "今日获取验证码次数已达上限，请使用密码登录。",
        "sms.unavailable": "短信暂时无法发送，请稍后再试。",
    },
    "en": {
        "title": "Smart Community sign-in",
        "sign_in_to": "Sign in to continue to",
        "username": "Username or mobile number",
        "password": "Password",
        "login": "Sign in",
        "other_lang": "简体中文",
        "mfa_title": "Two-step verification",
        "mfa_hint": "Enter the 6-digit code from your authenticator app, or a recovery code.",
        "mfa_send_sms": "Use an SMS code instead (sent to the account's mobile)",
        "code": "Code",
        "verify": "Verify",
        "enrol_title": "Set up two-step verification",
        "enrol_hint": "Your role requires two-step verification. Add this key to an "
        "authenticator app on your phone (Google Authenticator, Microsoft Authenticator, ...), "
        "then enter the 6-digit code it shows.",
        "secret": "Key",
        "enrol_link": "Open an authenticator on this device",
        "recovery_title": "Save your recovery codes",
        "recovery_hint": "If you lose your phone, each recovery code replaces a code once. "
        "They are shown only now.",
        "continue": "Continue",
        "consent_title": "Allow access",
        "consent_hint": "This application asks to access your account:",
        "allow": "Allow",
        "deny": "Deny",
        "scope.openid": "Confirm who you are",
        "scope.profile": "Your name and username",
        "scope.roles": "Your roles and the places they cover",
        "error_title": "Cannot sign in",
        "logged_out": "You have signed out.",
        "auth.invalid_credentials": "The username or password is wrong.",
        "auth.account_locked": "Too many failed sign-ins: the account is locked for a while.",
        "auth.too_many_attempts": "Too many failed sign-ins; try again later.",
        "auth.account_disabled": "This account is disabled.",
        "mfa.invalid_code": "The code is wrong or was used already.",
        "oidc.expired": "This sign-in page has expired; go back to the app and sign in again.",
        "oidc.invalid_request": "The app's sign-in request is not valid; contact its provider.",
        "missing": "Please fill in every field.",
        "password_tab": "Password",
        "sms_tab": "SMS code",
        "mobile": "Mobile number",
        "get_code": "Send code",
        "sms_code": "SMS code (6 digits)",
        "sms_sent": "A code is on its way; it is good for 5 minutes.",
        "mobile.format": "Enter an 11-digit mainland China mobile number.",
        "sms.invalid_code": "The code is wrong or no longer valid; ask for a new one.",
        "sms.too_soon": "A code was sent just now; ask again in a minute.",
        "sms.daily_limit": "Too many codes today; sign in with your password.",
        "sms.unavailable": "The SMS could not be sent just now; try again later.",
    },
}


def pick_lang(*candidates: str | None, accept: str = "") -> str:
    """The first of ``candidates`` (``ui_locales``, a ``lang`` choice) we speak; else the
    browser's Accept-Language when it prefers English; else zh-CN."""
    for value in candidates:
        for tag in (value or "").replace(",", " ").split():
            if tag.lower().startswith("en"):
                return "en"
            if tag.lower().startswith("zh"):
                return "zh-CN"
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh-CN"


def render(page: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    text = TEXT.get(lang, TEXT["zh-CN"])
    html = _ENV.get_template(f"{page}.html").render(t=text, lang=lang, **context)
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'none'",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
        },
    )
