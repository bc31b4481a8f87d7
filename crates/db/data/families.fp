; families.fp: which User-Agents and Server headers fit which TLS stacks, for
; p0fmod's cross-layer verdict (README "Cross-layer verdict", docs/database.md).
;
; The database (p0fmod.fp) names what each layer shows: the OS of a SYN, the
; software of an HTTP header block, the application or library of a TLS hello
; (with the systems it runs on, its `sys =` line). This file says which of those
; names can come from one program: a User-Agent that says Chrome fits a TLS
; hello of Chrome's stack, not one of Go's crypto/tls.
;
; Format: one statement per line; blank lines and lines starting with ';' are
; skipped.
;   [client]            families of HTTP clients (software = User-Agent text)
;   [server]            families of HTTP servers (software = Server header text)
;   [os]                OS names that one host can show at two layers
;   family = Name       a family: the name shown in verdicts
;   sw = text,...       substrings (case-sensitive) of the User-Agent or Server
;                       header that name the family; the first family in file
;                       order with a matching substring wins (so Edge and Chrome
;                       come before Safari: their User-Agents say "Safari/" too)
;   tls = Name,...      names of [tls:request] (client) or [tls:response]
;                       (server) labels the family's hellos are matched as; a
;                       family without a tls line has no TLS evidence yet
;   same = Name,...     ([os]) names that do not contradict each other
;
; A name is a label's name without its flavor (`Go`, not `Go crypto/tls`),
; compared case-insensitively as the database compares names. Every name of the
; database's [tls:request] section is in some client family's tls line
; (crates/db/tests/families.rs checks it).
;
; Sources: the TLS names are those of the captures listed in p0fmod.fp's
; [tls:request] and [tls:response] comments (tests/data/tls/local: which
; program sent which hello is in LABELS.tsv and SERVERS.tsv there); the
; User-Agent texts are each program's default (curl/, Wget/, python-requests/,
; Go-http-client/, Java-http-client/ and Java/, node, undici, axios/, Bun/,
; Deno/, git/, aioquic/), as sent by the versions listed in LABELS.tsv.

[client]

; Chromium's BoringSSL: Chrome, Chromium, Edge, Opera, Brave, Vivaldi.
family = Chrome
sw = Edg/,OPR/,Chrome/,Chromium/,CriOS/
tls = Chrome

; NSS.
family = Firefox
sw = Firefox/,FxiOS/
tls = Firefox

; Apple's TLS stack: no capture yet, so no tls line (a Safari User-Agent is
; named, never judged against a hello).
family = Safari
sw = Safari/

; curl and libcurl: with OpenSSL (curl's own hello, or OpenSSL's when curl
; limits TLS to 1.2), or libcurl-gnutls.
family = curl
sw = curl/
tls = curl,OpenSSL,GnuTLS

; GNU Wget: GnuTLS on Debian, OpenSSL in other builds.
family = Wget
sw = Wget/
tls = GnuTLS,OpenSSL

; git over HTTPS goes through libcurl (GnuTLS on Debian, OpenSSL elsewhere).
family = git
sw = git/
tls = curl,GnuTLS,OpenSSL

; Python's ssl module (its own cipher list in python.org and pyenv builds,
; OpenSSL's in Debian's), as urllib, requests, httpx and aiohttp use it; urllib3 1.26
; (requests' transport in Debian 12) sets a cipher list of its own.
family = Python
sw = python-requests/,Python-urllib/,python-httpx/,aiohttp/,Python/
tls = Python,OpenSSL,urllib3

; aioquic's own TLS 1.3 (QUIC).
family = aioquic
sw = aioquic/
tls = aioquic

; Go's net/http and crypto/tls.
family = Go
sw = Go-http-client/
tls = Go

; Java's JSSE (java.net.http.HttpClient, HttpsURLConnection).
family = Java
sw = Java-http-client/,Java/
tls = Java

; Node.js (its built-in OpenSSL with Node's cipher list): https, fetch
; (undici), axios.
family = Node.js
sw = node-fetch/,undici,axios/,node
tls = Node.js

family = Bun
sw = Bun/
tls = Bun

family = Deno
sw = Deno/
tls = Deno

; Rust's reqwest: rustls by default, native-tls (OpenSSL) on request.
family = reqwest
sw = reqwest/
tls = rustls,OpenSSL

[server]

; nginx and Apache httpd link OpenSSL.
family = nginx
sw = nginx
tls = OpenSSL,OpenSSL or Go

family = Apache
sw = Apache
tls = OpenSSL,OpenSSL or Go

; Caddy: Go's crypto/tls, quic-go for HTTP/3.
family = Caddy
sw = Caddy
tls = Go,OpenSSL or Go,quic-go

; Python's http.server (ssl module, OpenSSL).
family = Python
sw = SimpleHTTP/,BaseHTTP/,Python/
tls = OpenSSL,OpenSSL or Go

family = aioquic
sw = aioquic
tls = aioquic

[os]

; An Android User-Agent on a host whose SYN says Linux (Android's kernel),
; an iPhone's or iPad's on one whose SYN says Mac OS X (one XNU stack; the
; stock signatures spell it two ways).
same = Android,Linux
same = iOS,Mac OS X,MacOS X
