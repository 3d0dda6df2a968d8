"""One-time SMS codes (短信验证码): the rules (``codes``), the providers that send them
(``senders``, on :mod:`sc_core.messaging.sms`), and the WeChat mini-program protocol
(``identity.wechat``). ADR 0034."""
