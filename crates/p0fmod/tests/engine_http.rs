//! HTTP fingerprinting corners through the engine (spec §4.2, §9), against p0f 3.09b.
//!
//! Covered: request headers split across TCP segments (joined); response headers split
//! across segments (p0f's [BUG]: the line cut by the boundary, or the next one when the
//! cut falls on a line end, is lost, so a split `Server:` gives `params=anonymous`);
//! 32 headers fingerprinted but 33 give no observation; POST and other methods ignored; a
//! response before the request is complete ends HTTP for the flow; an out-of-order
//! segment ignored (no reassembly) until it is retransmitted in order; a response carried
//! in a FIN segment not fingerprinted; a dishonest User-Agent (Firefox's string in curl's
//! header order); anonymous requests; `lang=` for `de-DE,de;q=0.8`, `EN-us`, `deu`, `xx`
//! and no Accept-Language. Expected lines are p0f 3.09b's output for the packets built
//! here (see `common`); only the HTTP and NAT lines are listed, and when the reference
//! binary is installed the engine's whole output must equal it.

mod common;

use common::*;
use p0fmod::Limits;
use p0fmod::host::SoftwareHonesty;

const HTTP: &[&str] = &["http request", "http response", "host change", "ip sharing"];

fn cli(port: u16) -> String {
    format!("192.0.2.10:{port}")
}

/// Flow `i`: client port 40000 + i, server port 8000 + i. Each flow has its own server
/// port, so that no response is compared with another one (spec §10.2).
fn flow(i: u16) -> Conn {
    Conn::new(&cli(40000 + i), &format!("198.51.100.20:{}", 8000 + i))
}

/// SYN and SYN+ACK of a Linux client and server, at `ms` and `ms + 1`.
fn handshake(t: &mut Trace, c: &Conn, ms: i64) {
    t.push(ms, &c.linux_syn(1_000_000 + ms as u32));
    t.push(
        ms + 1,
        &c.linux_synack(5_000_000 + ms as u32, 1_000_000 + ms as u32),
    );
}

const CURL: &str =
    "GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";

fn apache() -> String {
    format!(
        "HTTP/1.1 200 OK\r\nDate: {}\r\nServer: Apache/2.4.57 (Debian)\r\nContent-Length: 10\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n",
        http_date(BASE_SEC)
    )
}

fn firefox(lang: Option<&str>) -> String {
    let lang = lang
        .map(|l| format!("Accept-Language: {l}\r\n"))
        .unwrap_or_default();
    format!(
        "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n{lang}Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n"
    )
}

/// `text` cut at each of the byte offsets `cuts`.
fn split_at<'a>(text: &'a str, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        out.push(&text[start..cut]);
        start = cut;
    }
    out.push(&text[start..]);
    out
}

fn offset_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the message"))
}

#[test]
fn request_headers_split_across_segments_are_joined() {
    let mut t = Trace::new();
    // Whole, then cut inside "User-Agent: cu|rl", then also at a line end and inside the
    // final CRLF CRLF.
    let cuts: [Vec<usize>; 3] = [
        vec![],
        vec![offset_of(CURL, "rl/7")],
        vec![
            offset_of(CURL, "Host:"),
            offset_of(CURL, "st: ex"),
            CURL.len() - 1,
        ],
    ];
    for (i, cuts) in cuts.iter().enumerate() {
        let mut c = flow(i as u16);
        let ms = 1000 * i as i64;
        handshake(&mut t, &c, ms);
        for (j, part) in split_at(CURL, cuts).into_iter().enumerate() {
            t.push(ms + 2 + j as i64, &c.client_sends(part));
        }
        t.push(ms + 10, &c.server_sends(apache()));
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_request_split", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
            "mod=http request|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn response_header_line_cut_by_a_segment_boundary_is_lost() {
    let resp = apache();
    let mut t = Trace::new();
    let cuts: [Vec<usize>; 4] = [
        // Inside "Server: Apa|che": the Server line is lost: anonymous, no match.
        vec![offset_of(&resp, "che/2")],
        // Exactly at the start of the Server line: the next whole line (Server) is lost.
        vec![offset_of(&resp, "Server:")],
        // Inside "Content-Le|ngth": Content-Length is lost, Server kept.
        vec![offset_of(&resp, "ngth:")],
        // Exactly before the final empty line: it is lost, so the response never ends.
        vec![resp.len() - 2],
    ];
    for (i, cuts) in cuts.iter().enumerate() {
        let mut c = flow(i as u16);
        let ms = 1000 * i as i64;
        handshake(&mut t, &c, ms);
        t.push(ms + 2, &c.client_sends(CURL));
        for (j, part) in split_at(&resp, cuts).into_iter().enumerate() {
            t.push(ms + 3 + j as i64, &c.server_sends(part));
        }
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_response_split", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=srv|app=???|lang=none|params=anonymous|raw_sig=1:Date,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:",
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=srv|app=???|lang=none|params=anonymous|raw_sig=1:Date,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:",
            "mod=http request|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
            "mod=http request|cli=192.0.2.10/40003|srv=198.51.100.20/8003|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
        ]);
}

#[test]
fn thirty_two_headers_are_fingerprinted_and_thirty_three_are_not() {
    let request = |headers: usize| {
        let mut r =
            String::from("GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\n");
        for i in 0..headers - 2 {
            r.push_str(&format!("X-H{i}: v\r\n"));
        }
        r.push_str("\r\n");
        r
    };
    let mut t = Trace::new();
    for (i, n) in [32usize, 33].into_iter().enumerate() {
        let mut c = flow(i as u16);
        let ms = 1000 * i as i64;
        handshake(&mut t, &c, ms);
        t.push(ms + 2, &c.client_sends(request(n)));
        t.push(ms + 3, &c.server_sends(apache()));
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_33_headers", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=???|lang=none|params=none|raw_sig=1:User-Agent,Host,X-H0=[v],X-H1=[v],X-H2=[v],X-H3=[v],X-H4=[v],X-H5=[v],X-H6=[v],X-H7=[v],X-H8=[v],X-H9=[v],X-H10=[v],X-H11=[v],X-H12=[v],X-H13=[v],X-H14=[v],X-H15=[v],X-H16=[v],X-H17=[v],X-H18=[v],X-H19=[v],X-H20=[v],X-H21=[v],X-H22=[v],X-H23=[v],X-H24=[v],X-H25=[v],X-H26=[v],X-H27=[v],X-H28=[v],X-H29=[v]:Connection,Accept,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn only_get_and_head_requests_are_fingerprinted() {
    let mut t = Trace::new();
    let requests = [
        "POST / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\nAccept: */*\r\nContent-Length: 0\r\n\r\n",
        "HEAD / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
        "GET /x HTTP/1.0\r\nUser-Agent: curl/7.88.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
    ];
    for (i, req) in requests.into_iter().enumerate() {
        let mut c = flow(i as u16);
        let ms = 1000 * i as i64;
        handshake(&mut t, &c, ms);
        t.push(ms + 2, &c.client_sends(req));
        t.push(ms + 3, &c.server_sends(apache()));
    }
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_methods", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
            "mod=http request|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=cli|app=???|lang=none|params=none|raw_sig=0:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn response_before_the_request_is_complete_ends_http_for_the_flow() {
    let mut t = Trace::new();
    let mut c = flow(0);
    handshake(&mut t, &c, 0);
    let cut = offset_of(CURL, "Accept:");
    t.push(2, &c.client_sends(&CURL[..cut]));
    t.push(3, &c.server_sends(apache()));
    t.push(4, &c.client_sends(&CURL[cut..]));
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_response_first", Limits::default(), HTTP, &[]);
}

#[test]
fn out_of_order_segment_is_ignored_until_it_comes_in_order() {
    let mut t = Trace::new();
    let cut = offset_of(CURL, "Host:");
    // Flow 1: the second half first (ignored), then the first half: incomplete.
    let mut c = flow(0);
    handshake(&mut t, &c, 0);
    let mut ahead = c.clone();
    let _ = ahead.client_sends(&CURL[..cut]);
    t.push(2, &ahead.client_sends(&CURL[cut..]));
    t.push(3, &c.client_sends(&CURL[..cut]));
    t.push(4, &c.server_sends(apache()));
    // Flow 2: the same, then the second half retransmitted in order: complete.
    let mut c = flow(1);
    handshake(&mut t, &c, 1000);
    let mut ahead = c.clone();
    let _ = ahead.client_sends(&CURL[..cut]);
    t.push(1002, &ahead.client_sends(&CURL[cut..]));
    t.push(1003, &c.client_sends(&CURL[..cut]));
    t.push(1004, &c.client_sends(&CURL[cut..]));
    t.push(1005, &c.server_sends(apache()));
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_out_of_order", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn response_carried_in_a_fin_segment_is_not_fingerprinted() {
    let mut t = Trace::new();
    let mut c = flow(0);
    handshake(&mut t, &c, 0);
    t.push(2, &c.client_sends(CURL));
    t.push(3, &c.server_sends(apache()).flags(FIN | ACK | PSH));
    // The same response in a plain segment, on another flow, is fingerprinted.
    let mut c = flow(1);
    handshake(&mut t, &c, 1000);
    t.push(1002, &c.client_sends(CURL));
    t.push(1003, &c.server_sends(apache()));
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_fin", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=curl|lang=none|params=none|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:curl/7.88.1",
            "mod=http response|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn firefox_user_agent_in_curls_header_order_is_dishonest() {
    let mut t = Trace::new();
    let mut c = flow(0);
    handshake(&mut t, &c, 0);
    let req = "GET / HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    t.push(2, &c.client_sends(req));
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check_mods("http_dishonest", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=curl|lang=none|params=dishonest|raw_sig=1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
        ]);
    let host = engine.host(sa(&cli(40000)).ip()).expect("client");
    assert_eq!(host.http_honesty, SoftwareHonesty::Fake);
}

#[test]
fn request_without_user_agent_is_anonymous() {
    let mut t = Trace::new();
    let mut c = flow(0);
    handshake(&mut t, &c, 0);
    t.push(
        2,
        &c.client_sends("GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"),
    );
    t.push(3, &c.server_sends(apache()));
    // Expected: p0f 3.09b's output for these packets.
    t.check_mods("http_anonymous", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=???|lang=none|params=anonymous|raw_sig=1:Host,Accept=[*/*]:User-Agent,Connection,Accept-Encoding,Accept-Language,Accept-Charset,Keep-Alive:",
            "mod=http response|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=srv|app=Apache 2.x|lang=none|params=none|raw_sig=1:Date,Server,?Content-Length,Connection=[close],Content-Type:Keep-Alive,Accept-Ranges:Apache/2.4.57 (Debian)",
        ]);
}

#[test]
fn accept_language_gives_lang() {
    let mut t = Trace::new();
    let values = [
        Some("de-DE,de;q=0.8"),
        Some("EN-us"),
        Some("deu"),
        Some("xx"),
        Some("fr"),
        None,
    ];
    for (i, lang) in values.into_iter().enumerate() {
        let mut c = flow(i as u16);
        let ms = 1000 * i as i64;
        handshake(&mut t, &c, ms);
        t.push(ms + 2, &c.client_sends(firefox(lang)));
    }
    // Expected: p0f 3.09b's output for these packets.
    let engine = t.check_mods("http_lang", Limits::default(), HTTP, &[
            "mod=http request|cli=192.0.2.10/40000|srv=198.51.100.20/8000|subj=cli|app=Firefox 10.x or newer|lang=German|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Language=[de-DE,de;q=0.8],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
            "mod=http request|cli=192.0.2.10/40001|srv=198.51.100.20/8001|subj=cli|app=Firefox 10.x or Safari 5.x|lang=???|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Language=[EN-us],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
            "mod=http request|cli=192.0.2.10/40002|srv=198.51.100.20/8002|subj=cli|app=Firefox 10.x or Safari 5.x|lang=none|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Language=[deu],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
            "mod=http request|cli=192.0.2.10/40003|srv=198.51.100.20/8003|subj=cli|app=Firefox 10.x or Safari 5.x|lang=???|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Language=[xx],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
            "mod=http request|cli=192.0.2.10/40004|srv=198.51.100.20/8004|subj=cli|app=Firefox 10.x or Safari 5.x|lang=French|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Language=[fr],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
            "mod=http request|cli=192.0.2.10/40005|srv=198.51.100.20/8005|subj=cli|app=Firefox 10.x or newer|lang=none|params=none|raw_sig=1:Host,User-Agent,Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Language,Accept-Charset,Keep-Alive:Mozilla/5.0 (X11; Linux x86_64; rv:10.0) Gecko/20100101 Firefox/10.0",
        ]);
    // The host keeps the last recognised language.
    let host = engine.host(sa(&cli(40000)).ip()).expect("client");
    assert_eq!(host.language.as_deref(), Some("French"));
}
