"""Request and response bodies of sign-in by SMS code and by WeChat (ADR 0034)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from identity.sms.codes import Purpose
from sc_core.privacy import Sensitive
from sc_core.validators import MobileNumber

SixDigits = Annotated[str, Field(pattern=r"^\d{6}$", examples=["123456"])]
Otp = Annotated[str, Field(min_length=6, max_length=32)]


class SmsCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: MobileNumber = Field(examples=["13800001111"])
    purpose: Purpose = Field(
        default=Purpose.login,
        description="login: sign in (POST /api/v1/auth/sms-login); signup: prove the number "
        "at POST /api/v1/signup; wechat: prove it at a first POST /api/v1/auth/wechat-login; "
        "mfa: the second step after a password (the password grant's otp)",
    )


class SmsCodeSent(BaseModel):
    """The same answer for every number, with or without an account."""

    expires_in: int = Field(description="Seconds the code is good for.")
    resend_in: int = Field(description="Seconds before another code may be asked for.")
    message: str = Field(description="What to do next, in words (the reader's language).")


class SmsLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: MobileNumber = Field(examples=["13800001111"])
    code: SixDigits
    otp: Otp | None = Field(
        default=None,
        description="The second factor (TOTP or a recovery code) of an account that has one.",
    )


class WeChatLoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=128, description="wx.login()'s code")
    phone_code: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        description="First login: the code of the getPhoneNumber button (WeChat proves the number)",
    )
    phone: MobileNumber | None = Field(
        default=None, description="First login without phone_code: the mobile number ..."
    )
    sms_code: SixDigits | None = Field(
        default=None, description="... and its SMS code (purpose wechat)"
    )
    otp: Otp | None = Field(
        default=None,
        description="The second factor (TOTP or a recovery code) of an account that has one.",
    )


class SmsSinkRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    phone: Annotated[str, Sensitive("mobile")]
    body: str
    reference: str
    created_at: datetime
