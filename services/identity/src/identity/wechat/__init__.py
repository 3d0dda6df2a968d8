"""WeChat mini-program login (微信小程序登录): the server side of WeChat's protocol
(``client``) and a local WeChat speaking the same HTTP (``simulator``). ADR 0034."""
