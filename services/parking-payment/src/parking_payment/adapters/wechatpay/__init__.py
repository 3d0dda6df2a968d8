"""WeChat Pay API v3 (微信支付 APIv3): signed requests, verified answers and callbacks,
AES-256-GCM resources, and a local simulator speaking the same protocol."""
