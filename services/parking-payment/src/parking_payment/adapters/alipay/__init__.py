"""Alipay open platform (支付宝开放平台), RSA2: signed requests, verified answers and
asynchronous notifications, bills, and a local simulator speaking the same protocol."""
