; p0fmod.fp: the signature database built into p0fmod.
;
; p0fmod uses this file when it is not given a database of its own (-f).
; Each entry describes how one operating system, network stack or client
; shows itself on the wire. When several signatures fit a packet, the first
; specific one in file order wins, so order matters.
;
; What is in here (docs/database.md says more):
;   * every signature of the stock p0f 3.09b database, in its order, so that
;     whatever p0f names, p0fmod names too;
;   * p0fmod's own signatures for systems newer than p0f.fp (Linux 4.19 and
;     newer over IPv4 and IPv6, Android, Windows 10, 11 and Server 2016-2022,
;     recent macOS, embedded stacks) and for today's HTTP clients and servers.
;     Each block says where it comes from: a capture in ../shared/labelled
;     (file and host), or one made with scripts/capture-signatures (a pair of
;     Linux network namespaces, tests/data/netns/NAME.pcap).
;   * Where a capture shows a stock label to be wrong for the hosts that send
;     it, an identical signature with a truer label comes right before the
;     stock one and wins; the stock line stays, so that the order of the stock
;     signatures is kept (crates/db/tests/stock.rs checks it).
;
; IPv6 flow labels: Linux sets a flow label on every IPv6 packet, which p0f's
; `flow` quirk records. A `*` signature never matches such a packet (the quirk
; counts as added), so modern stacks get explicit `6:` signatures that carry
; `flow`, and matching stays exactly p0f's.
;
; Format: one statement per line. Blank lines and lines starting with ';' are
; skipped.
;   classes = name,...          the OS classes, declared before any section
;   [section]                   mtu, tcp:request, tcp:response, http:request
;                               or http:response
;   label = s|g:class|!:name:flavor
;                               s = specific, g = generic; class ! = application
;   sys = @class,name,...       the systems an application label runs on
;   sig = ...                   a signature for the label above it
;   ua_os = name[=[text]],...   User-Agent text that names an OS
;
; TCP sig:  ip version:initial ttl:ip option length:mss:window,scale:
;           option layout:quirks:payload class
; HTTP sig: http version:ordered headers:absent headers:expected software
; MTU: the label names the link type, each sig is one MTU.

classes = win,unix,other

; Link types, told apart by the MTU a host advertises (MSS plus headers).
[mtu]

label = Ethernet or modem
sig = 576
sig = 1500

label = DSL
sig = 1452
sig = 1454
sig = 1492

label = GIF
sig = 1240
sig = 1280

label = generic tunnel or VPN
sig = 1300
sig = 1400
sig = 1420
sig = 1440
sig = 1450
sig = 1460

label = IPSec or GRE
sig = 1476

label = IPIP or SIT
sig = 1480

label = PPTP
sig = 1490

label = AX.25 radio modem
sig = 256

label = SLIP
sig = 552

label = Google
sig = 1470

label = VLAN
sig = 1496

label = Ericsson HIS modem
sig = 1656

label = jumbo Ethernet
sig = 9000

label = loopback
sig = 3924
sig = 16384
sig = 16436

; SYN packets: the operating systems of clients, and a few scanning tools.
[tcp:request]

label = s:unix:Linux:3.11 and newer
sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0

; p0fmod: SYN window 10 x MSS. p0f calls it 3.1-3.10, but Ubuntu 11.04
; (kernel 2.6.38 by release) sends it: ../pcaps/zeek__var-services-std-ports
; host 172.16.238.131 (mss*10,6). Shadows the next block.
label = s:unix:Linux:2.6.x-3.10
sig = *:64:0:*:mss*10,4:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,5:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,6:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,7:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:3.1-3.10
sig = *:64:0:*:mss*10,4:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,5:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,6:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*10,7:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.6.x
sig = *:64:0:*:mss*4,6:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*4,7:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*4,8:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.4.x
sig = *:64:0:*:mss*4,0:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*4,1:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*4,2:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.2.x
sig = *:64:0:*:mss*11,0:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*20,0:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*22,0:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.0
sig = *:64:0:*:mss*12,0:mss::0
sig = *:64:0:*:16384,0:mss::0

label = s:unix:Linux:3.x (loopback)
sig = *:64:0:16396:mss*2,4:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:16376:mss*2,4:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.6.x (loopback)
sig = *:64:0:16396:mss*2,2:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:16376:mss*2,2:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.4.x (loopback)
sig = *:64:0:16396:mss*2,0:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.2.x (loopback)
sig = *:64:0:3884:mss*8,0:mss,sok,ts,nop,ws:df,id+:0

label = s:unix:Linux:2.6.x (Google crawler)
sig = 4:64:0:1430:mss*4,6:mss,sok,ts,nop,ws::0

label = s:unix:Linux:(Android)
sig = *:64:0:*:mss*44,1:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*44,3:mss,sok,ts,nop,ws:df,id+:0

; p0fmod: Linux 4.19 and newer. Since 4.19 the SYN window is the largest
; multiple of the MSS that fits in 64 KiB (floor(65535 / MSS) x MSS): 44 x MSS
; at MTU 1500 over IPv4, 45 x over IPv6. Seen in ../shared/labelled:
; local-smoltcp-0.13.1-tap-http (6.18), scapy__ssh_ed25519 (Debian 12, 6.1,
; loopback: window = MSS 65495, so mss*1), zeek__http_http-to-ssh (Ubuntu
; 24.04, 6.8), ndpi__ocsp and suricata-verify__http-sha256-drop-02 (Ubuntu,
; mss*44,7), ../pcaps/local-linux-* (6.18); Debian 9 (4.9,
; joy__kali-normal-ssh) still sends 20 x MSS. The window scale follows
; tcp_rmem (7 on most distributions, 10 on 6.18 here), hence `*`.
; tests/data/netns/linux-default-mtu*.pcap show the multiplier for MTUs 1280
; to 1500 and 9001 (mss*7); the list covers MTUs 1040-1500, 9001 and
; loopback. IPv6 packets carry a flow label: explicit `6:` signatures with
; `flow` (a `*` signature never matches them).
label = s:unix:Linux:4.19 and newer
sig = *:64:0:*:mss*1,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*7,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*44,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*45,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*46,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*47,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*48,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*49,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*50,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*52,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*53,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*54,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*65,*:mss,sok,ts,nop,ws:df,id+:0
sig = *:64:0:*:mss*66,*:mss,sok,ts,nop,ws:df,id+:0
sig = 6:64:0:*:mss*1,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*7,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*44,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*45,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*46,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*47,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*48,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*49,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*50,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*52,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*53,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*54,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*65,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*66,*:mss,sok,ts,nop,ws:flow:0

; p0fmod: the same kernels with sysctls off, one capture each in
; tests/data/netns: tcp_timestamps=0, tcp_sack=0, tcp_window_scaling=0 and
; their combinations (MTU 1500: mss*44 over IPv4, mss*45 over IPv6).
sig = *:64:0:*:mss*44,*:mss,nop,nop,sok,nop,ws:df,id+:0
sig = 6:64:0:*:mss*45,*:mss,nop,nop,sok,nop,ws:flow:0
sig = *:64:0:*:mss*44,*:mss,nop,nop,ts,nop,ws:df,id+:0
sig = 6:64:0:*:mss*45,*:mss,nop,nop,ts,nop,ws:flow:0
sig = *:64:0:*:mss*44,0:mss,sok,ts:df,id+:0
sig = 6:64:0:*:mss*45,0:mss,sok,ts:flow:0
sig = *:64:0:*:mss*44,*:mss,nop,ws:df,id+:0
sig = 6:64:0:*:mss*45,*:mss,nop,ws:flow:0
sig = *:64:0:*:mss*44,0:mss,nop,nop,sok:df,id+:0
sig = 6:64:0:*:mss*45,0:mss,nop,nop,sok:flow:0
sig = *:64:0:*:mss*44,0:mss,nop,nop,ts:df,id+:0
sig = 6:64:0:*:mss*45,0:mss,nop,nop,ts:flow:0
sig = *:64:0:*:mss*44,0:mss:df,id+:0
sig = 6:64:0:*:mss*45,0:mss:flow:0

; p0fmod: loopback before 4.19: window 43690 (two thirds of 64 KiB) with the
; 65495 MSS of a 64 KiB loopback MTU. zeek__ssh_ssh_server_sends_first_enc_
; pkt_with_newkeys (Ubuntu 18.04, kernel 4.15), ../pcaps/mercury__capture2.
label = s:unix:Linux:3.x-4.18 (loopback)
sig = *:64:0:65495:43690,*:mss,sok,ts,nop,ws:df,id+:0

; p0fmod: Android 5 and newer set a 65535 window (init.rc tcp buffer sizes)
; with the Linux option layout: ../pcaps/ndpi__alexa-app (5.1, scale 8),
; ndpi__android (9, 8), ndpi__googledns_android10 (10, 8), ndpi__mpeg-dash
; (11, 10), arkime__80211http (6.0, 6), arkime__fbzero-android (6),
; ndpi__http_ua_splitted_in_two_pkts (6.0, 7). Android 4.4 still sent
; mss*10 (ndpi__KakaoTalk_chat). The IPv6 line is the same stack with the
; flow label every Linux 4.19+ capture shows.
label = s:unix:Android:5.x or newer
sig = *:64:0:*:65535,*:mss,sok,ts,nop,ws:df,id+:0
sig = 6:64:0:*:65535,*:mss,sok,ts,nop,ws:flow:0

label = g:unix:Linux:3.x
sig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df,id+:0

label = g:unix:Linux:2.4.x-2.6.x
sig = *:64:0:*:mss*4,*:mss,sok,ts,nop,ws:df,id+:0

label = g:unix:Linux:2.2.x-3.x
sig = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0

label = g:unix:Linux:2.2.x-3.x (no timestamps)
sig = *:64:0:*:*,*:mss,nop,nop,sok,nop,ws:df,id+:0

label = g:unix:Linux:2.2.x-3.x (barebone)
sig = *:64:0:*:*,0:mss:df,id+:0

label = s:win:Windows:XP
sig = *:128:0:*:16384,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,1:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,2:mss,nop,ws,nop,nop,sok:df,id+:0

; p0fmod: window 8192, scale 8 is also Windows 10 up to 1607 and Server
; 2016 (NTLMSSP builds 10.0.10586 and 10.0.14393): pcap-attack__Lateral_
; Movement_LM_WMI_ProcessCallCreate 172.16.66.1, corelight-cve-2022-26809
; 192.168.56.102, ../pcaps/arkime__wireshark-smb-on-windows10. Shadows the
; stock "7 or 8" line.
label = s:win:Windows:7 to 10 1607 or Server 2008 R2 to 2016
sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0

label = s:win:Windows:7 or 8
sig = *:128:0:*:8192,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:8192,2:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:8192,2:mss,nop,ws,sok,ts:df,id+:0

; p0fmod: Windows 10 after 1607, 11 and Server 2019/2022 send window 64240
; (44 x 1460), scale 8: corelight-CVE-2021-1675 (10.0.19041),
; suricata-verify__bug-5162 (1903/1909), zeek__smb_smb3_multichannel and
; scapy__dcerpc_privacy_ntlm (2004-22H2), ja4__tls3, ndpi__gnutella
; (MSEDGEWIN10) and more; Server 2019 with ECN on (corelight-PetitPotam
; 192.168.0.80, 10.0.17763). Window 65535, scale 8 comes from the same hosts
; (corelight-zeek-asyncrat-detector 192.168.100.163, zeek__http_no_crlf).
label = s:win:Windows:10, 11 or Server 2019+
sig = *:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+,ecn:0
sig = *:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0

label = s:win:Windows:7 (Websense crawler)
sig = *:64:0:1380:mss*4,6:mss,nop,nop,ts,nop,ws:df,id+:0
sig = *:64:0:1380:mss*4,7:mss,nop,nop,ts,nop,ws:df,id+:0

label = g:win:Windows:NT kernel 5.x
sig = *:128:0:*:16384,*:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,*:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:16384,*:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,*:mss,nop,ws,nop,nop,sok:df,id+:0

label = g:win:Windows:NT kernel 6.x
sig = *:128:0:*:8192,*:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:8192,*:mss,nop,ws,nop,nop,sok:df,id+:0

label = g:win:Windows:NT kernel
sig = *:128:0:*:*,*:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:*,*:mss,nop,ws,nop,nop,sok:df,id+:0

label = s:unix:Mac OS X:10.x
sig = *:64:0:*:65535,1:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,3:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0

label = s:unix:MacOS X:10.9 or newer (sometimes iPhone or iPad)
sig = *:64:0:*:65535,4:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0

label = s:unix:iOS:iPhone or iPad
sig = *:64:0:*:65535,2:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0

; p0fmod: recent macOS sends IP ID 0 (quirk df without id+), scale 5 on
; 10.13 (../pcaps/ndpi__teams, ndpi__anyconnect-vpn: osxvers=17) and 6 on 11
; and newer (ndpi__tls_certificate_too_long: osxvers=20; zeek__pe_pe_files_
; timestamp: Safari 17.5; zeek__spicy_gap-recovery). Over IPv6 with a flow
; label: ja4__chrome-cloudflare-quic-with-secrets 2001:db8:1::1. iOS shares
; the stack.
label = s:unix:Mac OS X:10.13 or newer (or iOS)
sig = *:64:0:*:65535,5:mss,nop,ws,nop,nop,ts,sok,eol+1:df:0
sig = *:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:df:0
sig = 6:64:0:*:65535,5:mss,nop,ws,nop,nop,ts,sok,eol+1:flow:0
sig = 6:64:0:*:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:flow:0

label = g:unix:Mac OS X:
sig = *:64:0:*:65535,*:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0

label = s:unix:FreeBSD:9.x or newer
sig = *:64:0:*:65535,6:mss,nop,ws,sok,ts:df,id+:0

label = s:unix:FreeBSD:8.x
sig = *:64:0:*:65535,3:mss,nop,ws,sok,ts:df,id+:0

label = g:unix:FreeBSD:
sig = *:64:0:*:65535,*:mss,nop,ws,sok,ts:df,id+:0

label = s:unix:OpenBSD:3.x
sig = *:64:0:*:16384,0:mss,nop,nop,sok,nop,ws,nop,nop,ts:df,id+:0

label = s:unix:OpenBSD:4.x-5.x
sig = *:64:0:*:16384,3:mss,nop,nop,sok,nop,ws,nop,nop,ts:df,id+:0

label = s:unix:Solaris:8
sig = *:64:0:*:32850,1:nop,ws,nop,nop,ts,nop,nop,sok,mss:df,id+:0

label = s:unix:Solaris:10
sig = *:64:0:*:mss*34,0:mss,nop,ws,nop,nop,sok:df,id+:0

label = s:unix:OpenVMS:8.x
sig = 4:128:0:1460:mtu*2,0:mss,nop,ws::0

label = s:unix:OpenVMS:7.x
sig = 4:64:0:1460:61440,0:mss,nop,ws::0

label = s:other:NeXTSTEP:
sig = 4:64:0:1024:mss*4,0:mss::0

label = s:unix:Tru64:4.x
sig = 4:64:0:1460:32768,0:mss,nop,ws:df,id+:0

label = s:!:NMap:SYN scan
sys = @unix,@win
sig = *:64-:0:1460:1024,0:mss::0
sig = *:64-:0:1460:2048,0:mss::0
sig = *:64-:0:1460:3072,0:mss::0
sig = *:64-:0:1460:4096,0:mss::0

label = s:!:NMap:OS detection
sys = @unix,@win
sig = *:64-:0:265:512,0:mss,sok,ts:ack+:0
sig = *:64-:0:0:4,10:sok,ts,ws,eol+0:ack+:0
sig = *:64-:0:1460:1,10:ws,nop,mss,ts,sok:ack+:0
sig = *:64-:0:536:16,10:mss,sok,ts,ws,eol+0:ack+:0
sig = *:64-:0:640:4,5:ts,nop,nop,ws,nop,mss:ack+:0
sig = *:64-:0:1400:63,0:mss,ws,sok,ts,eol+0:ack+:0
sig = *:64-:0:265:31337,10:ws,nop,mss,ts,sok:ack+:0
sig = *:64-:0:1460:3,10:ws,nop,mss,sok,nop,nop:ecn,uptr+:0

label = s:unix:p0f:sendsyn utility
sig = *:192:0:1331:1337,0:mss,nop,eol+18::0
sig = *:192:0:1331:1337,0:mss,ts,nop,eol+8::0
sig = *:192:0:1331:1337,5:mss,ws,nop,eol+15::0
sig = *:192:0:1331:1337,0:mss,sok,nop,eol+16::0
sig = *:192:0:1331:1337,5:mss,ws,ts,nop,eol+5::0
sig = *:192:0:1331:1337,0:mss,sok,ts,nop,eol+6::0
sig = *:192:0:1331:1337,5:mss,ws,sok,nop,eol+13::0
sig = *:192:0:1331:1337,5:mss,ws,sok,ts,nop,eol+3::0

label = s:other:Blackberry:
sig = *:128:0:1452:65535,0:mss,nop,nop,sok,nop,nop,ts::0

label = s:other:Nintendo:3DS
sig = *:64:0:1360:32768,0:mss,nop,nop,sok:df,id+:0

label = s:other:Nintendo:Wii
sig = 4:64:0:1460:32768,0:mss,nop,nop,sok:df,id+:0

label = s:unix:BaiduSpider:
sig = *:64:0:1460:mss*4,7:mss,sok,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,ws:df,id+:0
sig = *:64:0:1460:mss*4,2:mss,sok,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,ws:df,id+:0

; p0fmod: Cisco IOS: TTL 255, MSS only, window 4128 (suricata-verify__
; bypass-ssh-enabled 192.168.12.2; p0f 3.09b calls it Linux barebone).
label = s:other:Cisco IOS:
sig = 4:255:0:*:4128,0:mss::0

; p0fmod: an lwIP-style embedded stack (lwIP's defaults: TTL 255, MSS only,
; window 4 x MSS): a Google Nest device, ../pcaps/ndpi__nest_log_sink
; 192.168.242.15 (p0f 3.09b calls it Linux barebone).
label = s:other:Embedded:lwIP-style stack
sig = 4:255:0:*:mss*4,0:mss::0

; p0fmod: smoltcp (Rust TCP/IP for embedded firmware): MSS, window scale and
; SACK-permitted, then EOL padding; the window is the application's buffer.
; local-smoltcp-0.13.1-tap-http 192.168.69.1 and fdaa::1 (example clients).
label = s:other:smoltcp:
sig = *:64:0:*:*,*:mss,ws,sok,eol+2:df:0

; p0fmod: a Linux with the out-of-tree Multipath TCP (option 30) of
; multipath-tcp.org, Debian 6 userland: ../pcaps/tcpdump__mptcp-v0 10.2.1.2.
label = s:unix:Linux:(Multipath TCP kernel)
sig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws,?30:df,id+:0

; SYN+ACK packets: the operating systems of servers.
[tcp:response]

; p0fmod: SYN+ACK window 10 x MSS. p0f calls it 3.x, but CentOS 6 (kernel
; 2.6.32 with backports: ../pcaps/huginn-net__http-simple-get 10.180.156.249)
; and Ubuntu 11.04 (2.6.38: zeek__var-services-std-ports 172.16.238.131)
; send it too. Shadows the next block.
label = s:unix:Linux:2.6.32-3.x
sig = *:64:0:*:mss*10,0:mss:df:0
sig = *:64:0:*:mss*10,0:mss,sok,ts:df:0
sig = *:64:0:*:mss*10,0:mss,nop,nop,ts:df:0
sig = *:64:0:*:mss*10,0:mss,nop,nop,sok:df:0
sig = *:64:0:*:mss*10,*:mss,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,nop,nop,ts,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,nop,nop,sok,nop,ws:df:0

label = s:unix:Linux:3.x
sig = *:64:0:*:mss*10,0:mss:df:0
sig = *:64:0:*:mss*10,0:mss,sok,ts:df:0
sig = *:64:0:*:mss*10,0:mss,nop,nop,ts:df:0
sig = *:64:0:*:mss*10,0:mss,nop,nop,sok:df:0
sig = *:64:0:*:mss*10,*:mss,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,nop,nop,ts,nop,ws:df:0
sig = *:64:0:*:mss*10,*:mss,nop,nop,sok,nop,ws:df:0

label = s:unix:Linux:2.4-2.6
sig = *:64:0:*:mss*4,0:mss:df:0
sig = *:64:0:*:mss*4,0:mss,sok,ts:df:0
sig = *:64:0:*:mss*4,0:mss,nop,nop,ts:df:0
sig = *:64:0:*:mss*4,0:mss,nop,nop,sok:df:0

label = s:unix:Linux:2.4.x
sig = *:64:0:*:mss*4,0:mss,nop,ws:df:0
sig = *:64:0:*:mss*4,0:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*4,0:mss,nop,nop,ts,nop,ws:df:0
sig = *:64:0:*:mss*4,0:mss,nop,nop,sok,nop,ws:df:0

label = s:unix:Linux:2.6.x
sig = *:64:0:*:mss*4,*:mss,nop,ws:df:0
sig = *:64:0:*:mss*4,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*4,*:mss,nop,nop,ts,nop,ws:df:0
sig = *:64:0:*:mss*4,*:mss,nop,nop,sok,nop,ws:df:0

; p0fmod: Linux 3.11 to 4.18 servers answer with 20 x MSS: Ubuntu 14.04
; (3.13: chrissanders-packets__sessionhijacking 172.16.16.181, joy__kali-
; normal-ssh 192.168.1.3, ../pcaps/zeek__ssh_ssh, chrissanders-packets__
; http_ip4and6 over IPv6 without a flow label), Debian 9 (4.9: suricata-
; verify__filemagic-flowbits_pdf-dl), Ubuntu 18.04 (4.15: suricata-verify__
; byte-extract-01, without timestamps).
label = s:unix:Linux:3.11-4.18
sig = *:64:0:*:mss*20,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*20,*:mss,nop,nop,sok,nop,ws:df:0

; p0fmod: Linux 4.19 and newer. The SYN+ACK window is the largest multiple
; of the segment size that fits in 64 KiB, where the segment size is the MSS
; less 12 when timestamps are on: 45 x (1460 - 12) at MTU 1500. Seen on
; Ubuntu 18.04 HWE / 20.04 / 22.04 servers (zeek__http_http-large-gap,
; suricata-verify__bug-4199-2 and mercury__ssh_frag with ECN, ndpi__http-
; proxy without timestamps), Raspbian 10 (4.19: zeek__pe_pe_files_timestamp),
; scapy__ssh_ed25519 and zeek__http_http-to-ssh (loopback: mss*1),
; ../pcaps/local-linux-* (6.18, IPv4 and IPv6). tests/data/netns/linux-
; default-mtu*.pcap give the multiplier for MTUs 1280-1500 and 9001; the
; list covers MTUs 1040-1500, 9001 and loopback, with and without
; timestamps (the layout without them is what Windows clients get).
label = s:unix:Linux:4.19 and newer
sig = *:64:0:*:mss*1,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*7,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*44,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*45,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*46,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*47,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*48,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*49,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*50,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*52,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*53,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*54,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*65,*:mss,sok,ts,nop,ws:df:0
sig = *:64:0:*:mss*66,*:mss,sok,ts,nop,ws:df:0
sig = 6:64:0:*:mss*1,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*7,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*44,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*45,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*46,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*47,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*48,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*49,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*50,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*52,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*53,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*54,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*65,*:mss,sok,ts,nop,ws:flow:0
sig = 6:64:0:*:mss*66,*:mss,sok,ts,nop,ws:flow:0
sig = *:64:0:*:mss*1,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*7,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*44,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*45,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*46,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*47,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*48,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*49,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*50,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*52,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*53,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*54,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*65,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:mss*66,*:mss,nop,nop,sok,nop,ws:df:0
sig = 6:64:0:*:mss*1,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*7,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*44,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*45,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*46,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*47,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*48,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*49,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*50,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*52,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*53,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*54,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*65,*:mss,nop,nop,sok,nop,ws:flow:0
sig = 6:64:0:*:mss*66,*:mss,nop,nop,sok,nop,ws:flow:0

; p0fmod: answers to clients that ask for ECN (tests/data/netns/linux-
; tcp_ecn_1.pcap; suricata-verify__bug-4199-2, mercury__ssh_frag).
sig = *:64:0:*:mss*45,*:mss,sok,ts,nop,ws:df,ecn:0
sig = 6:64:0:*:mss*45,*:mss,sok,ts,nop,ws:ecn,flow:0

; p0fmod: answers to clients that turned options off (the answer leaves out
; what the SYN did not offer): tests/data/netns/linux-tcp_*.pcap, MTU 1500.
sig = *:64:0:*:mss*45,*:mss,nop,nop,ts,nop,ws:df:0
sig = 6:64:0:*:mss*45,*:mss,nop,nop,ts,nop,ws:flow:0
sig = *:64:0:*:mss*45,0:mss,sok,ts:df:0
sig = 6:64:0:*:mss*45,0:mss,sok,ts:flow:0
sig = *:64:0:*:mss*44,*:mss,nop,ws:df:0
sig = 6:64:0:*:mss*45,*:mss,nop,ws:flow:0
sig = *:64:0:*:mss*44,0:mss,nop,nop,sok:df:0
sig = 6:64:0:*:mss*45,0:mss,nop,nop,sok:flow:0
sig = *:64:0:*:mss*45,0:mss,nop,nop,ts:df:0
sig = 6:64:0:*:mss*45,0:mss,nop,nop,ts:flow:0
sig = *:64:0:*:mss*44,0:mss:df:0
sig = 6:64:0:*:mss*45,0:mss:flow:0

; p0fmod: a 9001-byte MTU (the cloud default) gives 7 x 8961 = 62727, or
; 7 x 8949 = 62643 with timestamps (tests/data/netns/linux-default-mtu9001.pcap
; shows mss*7); a middlebox that clamps the MSS to 1460 leaves the window:
; ja4__ssh2 54.160.114.75 (Ubuntu 22.04 on EC2).
label = s:unix:Linux:4.19 and newer (9001-byte MTU)
sig = *:64:0:*:62727,*:mss,nop,nop,sok,nop,ws:df:0
sig = *:64:0:*:62643,*:mss,sok,ts,nop,ws:df:0

; p0fmod: loopback before 4.19 (window 43690, MSS 65495): zeek__ssh_ssh_
; server_sends_first_enc_pkt_with_newkeys (Ubuntu 18.04, kernel 4.15).
label = s:unix:Linux:3.x-4.18 (loopback)
sig = *:64:0:65495:43690,*:mss,sok,ts,nop,ws:df:0

label = s:win:Windows:XP
sig = *:128:0:*:65535,0:mss:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,ws:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,nop,ts:df,id+,ts1-:0
sig = *:128:0:*:65535,0:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,0:mss,nop,ws,nop,nop,ts:df,id+,ts1-:0
sig = *:128:0:*:65535,0:mss,nop,nop,ts,nop,nop,sok:df,id+,ts1-:0
sig = *:128:0:*:65535,0:mss,nop,ws,nop,nop,ts,nop,nop,sok:df,id+,ts1-:0
sig = *:128:0:*:16384,0:mss:df,id+:0
sig = *:128:0:*:16384,0:mss,nop,ws:df,id+:0
sig = *:128:0:*:16384,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:16384,0:mss,nop,nop,ts:df,id+,ts1-:0
sig = *:128:0:*:16384,0:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:16384,0:mss,nop,ws,nop,nop,ts:df,id+,ts1-:0
sig = *:128:0:*:16384,0:mss,nop,nop,ts,nop,nop,sok:df,id+,ts1-:0
sig = *:128:0:*:16384,0:mss,nop,ws,nop,nop,ts,nop,nop,sok:df,id+,ts1-:0

; p0fmod: Windows 10 up to 1607 and Server 2016 answer like 7 and 8:
; corelight-CVE-2021-1675 192.168.1.157, suricata-verify__bug-5162
; 192.168.56.102, suricata-verify__dcerpc_dcerpc-smb-ctxid 192.168.56.101
; (all NTLMSSP 10.0.14393), ndpi__smb_frags 10.202.7.8 (Server 2016 with
; timestamps). Shadows the stock "7 or 8" lines.
label = s:win:Windows:7 to 10 1607 or Server 2008 R2 to 2016
sig = *:128:0:*:8192,8:mss,nop,ws,sok,ts:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0

label = s:win:Windows:7 or 8
sig = *:128:0:*:8192,0:mss:df,id+:0
sig = *:128:0:*:8192,0:mss,sok,ts:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws:df,id+:0
sig = *:128:0:*:8192,0:mss,nop,nop,ts:df,id+:0
sig = *:128:0:*:8192,0:mss,nop,nop,sok:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws,sok,ts:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,ts:df,id+:0
sig = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0

; p0fmod: Windows 10 1703 and newer, 11 and Server 2019/2022 answer with
; window 65535, scale 8: suricata-verify__smb-eicar-andx (10.0.15063),
; corelight-zerologon and suricata-verify__output-eve-smb-01 (Server 2019),
; suricata-verify__filestore-filecontainer-smb1-padding (19045),
; zeek__smb_smb3_multichannel (2004-22H2); with timestamps: ndpi__webdav
; (Server 2022, 10.0.20348).
label = s:win:Windows:10, 11 or Server 2019+
sig = *:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:128:0:*:65535,8:mss,nop,ws,sok,ts:df,id+:0

label = s:unix:FreeBSD:9.x
sig = *:64:0:*:65535,6:mss,nop,ws:df,id+:0
sig = *:64:0:*:65535,6:mss,nop,ws,sok,ts:df,id+:0
sig = *:64:0:*:65535,6:mss,nop,ws,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,6:mss,nop,ws,nop,nop,ts:df,id+:0

label = s:unix:FreeBSD:8.x
sig = *:64:0:*:65535,3:mss,nop,ws:df,id+:0
sig = *:64:0:*:65535,3:mss,nop,ws,sok,ts:df,id+:0
sig = *:64:0:*:65535,3:mss,nop,ws,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,3:mss,nop,ws,nop,nop,ts:df,id+:0

label = s:unix:FreeBSD:8.x-9.x
sig = *:64:0:*:65535,0:mss,sok,ts:df,id+:0
sig = *:64:0:*:65535,0:mss,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,nop,ts:df,id+:0

; p0fmod: FreeBSD of the Apache 2.0.51 era (2004: 4.x-5.x) over IPv6:
; window 57344 (the default net.inet.tcp.recvspace), no SACK: ../pcaps/
; pcapplusplus__four_ipv6_http_streams and pcapplusplus__raw_ip
; 2001:618:1:8000::5, with and without a flow label.
label = s:unix:FreeBSD:4.x-5.x
sig = 6:64:0:*:57344,0:mss,nop,ws,nop,nop,ts::0
sig = 6:64:0:*:57344,0:mss,nop,ws,nop,nop,ts:flow:0

label = s:unix:OpenBSD:5.x
sig = *:64:0:1460:16384,0:mss,nop,nop,sok:df,id+:0
sig = *:64:0:1460:16384,3:mss,nop,ws:df,id+:0
sig = *:64:0:1460:16384,3:mss,nop,nop,sok,nop,ws:df,id+:0
sig = *:64:0:1460:16384,0:mss,nop,nop,ts:df,id+:0
sig = *:64:0:1460:16384,0:mss,nop,nop,sok,nop,nop,ts:df,id+:0
sig = *:64:0:1460:16384,3:mss,nop,ws,nop,nop,ts:df,id+:0
sig = *:64:0:1460:16384,3:mss,nop,nop,sok,nop,ws,nop,nop,ts:df,id+:0

label = s:unix:Mac OS X:10.x
sig = *:64:0:*:65535,0:mss,nop,ws:df,id+:0
sig = *:64:0:*:65535,0:mss,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,nop,ts:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,ws,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,ws,nop,nop,ts:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,nop,ts,sok,eol+1:df,id+:0
sig = *:64:0:*:65535,0:mss,nop,ws,nop,nop,ts,sok,eol+1:df,id+:0

label = s:unix:Solaris:6
sig = 4:255:0:*:mss*7,0:mss:df,id+:0
sig = 4:255:0:*:mss*7,0:nop,ws,mss:df,id+:0
sig = 4:255:0:*:mss*7,0:nop,nop,ts,mss:df,id+:0
sig = 4:255:0:*:mss*7,0:nop,nop,ts,nop,ws,mss:df,id+:0

label = s:unix:Solaris:8
sig = *:64:0:*:mss*19,0:mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,ws,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,nop,ts,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,nop,sok,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,nop,ts,nop,ws,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,ws,nop,nop,sok,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,nop,ts,nop,nop,sok,mss:df,id+:0
sig = *:64:0:*:mss*19,0:nop,nop,ts,nop,ws,nop,nop,sok,mss:df,id+:0

label = s:unix:Solaris:10
sig = *:64:0:*:mss*37,0:mss:df,id+:0
sig = *:64:0:*:mss*37,0:mss,nop,ws:df,id+:0
sig = *:64:0:*:mss*37,0:nop,nop,ts,mss:df,id+:0
sig = *:64:0:*:mss*37,0:mss,nop,nop,sok:df,id+:0
sig = *:64:0:*:mss*37,0:nop,nop,ts,mss,nop,ws:df,id+:0
sig = *:64:0:*:mss*37,0:mss,nop,ws,nop,nop,sok:df,id+:0
sig = *:64:0:*:mss*37,0:nop,nop,ts,mss,nop,nop,sok:df,id+:0
sig = *:64:0:*:mss*37,0:nop,nop,ts,mss,nop,ws,nop,nop,sok:df,id+:0

label = s:unix:HP-UX:11.x
sig = *:64:0:*:32768,0:mss:df,id+:0
sig = *:64:0:*:32768,0:mss,ws,nop:df,id+:0
sig = *:64:0:*:32768,0:mss,nop,nop,ts:df,id+:0
sig = *:64:0:*:32768,0:mss,nop,nop,sok:df,id+:0
sig = *:64:0:*:32768,0:mss,ws,nop,nop,nop,ts:df,id+:0
sig = *:64:0:*:32768,0:mss,nop,nop,sok,ws,nop:df,id+:0
sig = *:64:0:*:32768,0:mss,nop,nop,sok,nop,nop,ts:df,id+:0
sig = *:64:0:*:32768,0:mss,nop,nop,sok,ws,nop,nop,nop,ts:df,id+:0

label = s:other:OpenVMS:7.x
sig = 4:64:0:1460:3993,0:mss::0
sig = 4:64:0:1460:3993,0:mss,nop,ws::0

label = s:unix:Tru64:4.x
sig = 4:64:0:1460:mss*25,0:mss,nop,ws:df,id+:0
sig = 4:64:0:1460:mss*25,0:mss:df,id+:0

; p0fmod: Cisco IOS (suricata-verify__bypass-ssh-enabled 192.168.12.1).
label = s:other:Cisco IOS:
sig = 4:255:0:*:4128,0:mss::0

; p0fmod: smoltcp example servers (local-smoltcp-0.13.1-tap-http
; 192.168.69.1 and fdaa::1).
label = s:other:smoltcp:
sig = *:64:0:*:*,*:mss,ws,sok,eol+2:df:0

; p0fmod: Multipath TCP kernel (../pcaps/tcpdump__mptcp-v0 10.1.1.2).
label = s:unix:Linux:(Multipath TCP kernel)
sig = *:64:0:*:14280,*:mss,sok,ts,nop,ws,?30:df:0

; HTTP requests: browsers, crawlers and command-line clients. ua_os maps
; User-Agent text to the OS it names.
[http:request]

; p0fmod: Android first, so that an Android User-Agent ("Linux; Android")
; names the same OS as the Android SYN signatures.
ua_os = Android,Linux,Windows,iOS=[iPad],iOS=[iPhone],Mac OS X,FreeBSD,OpenBSD,NetBSD,Solaris=[SunOS]

label = s:!:Firefox:2.x
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip,deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],Keep-Alive=[300],Connection=[keep-alive]::Firefox/

label = s:!:Firefox:3.x
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip,deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],Keep-Alive=[115],Connection=[keep-alive],?Referer::Firefox/

label = s:!:Firefox:4.x
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],Keep-Alive=[115],Connection=[keep-alive],?Referer::Firefox/

label = s:!:Firefox:5.x-9.x
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],?DNT=[1],Connection=[keep-alive],?Referer:Keep-Alive:Firefox/
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[UTF-8,*],?DNT=[1],Connection=[keep-alive],?Referer:Keep-Alive:Firefox/
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[UTF-8,*],?DNT=[1],?Referer,Connection=[keep-alive]:Keep-Alive:Firefox/
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],?DNT=[1],?Referer,Connection=[keep-alive]:Keep-Alive:Firefox/
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language,Accept-Encoding=[gzip, deflate],Accept-Charset=[utf-8;q=0.7,*;q=0.7],?Referer,?DNT=[1],Connection=[keep-alive]:Keep-Alive:Firefox/

label = s:!:Firefox:10.x or newer
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language=[;q=],Accept-Encoding=[gzip, deflate],?DNT=[1],Connection=[keep-alive],?Referer:Accept-Charset,Keep-Alive:Firefox/
sig = *:Host,User-Agent,Accept=[,*/*;q=],?Accept-Language=[;q=],Accept-Encoding=[gzip, deflate],?DNT=[1],?Referer,Connection=[keep-alive]:Accept-Charset,Keep-Alive:Firefox/

label = s:!:Firefox:10.x or Safari 5.x
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[xml;q=0.9,*/*;q=0.8],Accept-Language,Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Keep-Alive,Accept-Charset,DNT,Referer:Gecko

label = s:!:MSIE:8 or newer
sys = Windows
sig = 1:Accept=[*/*],?Referer,?Accept-Language,User-Agent,Accept-Encoding=[gzip, deflate],Host,Connection=[Keep-Alive]:Keep-Alive,Accept-Charset,UA-CPU:Trident/
sig = 1:Accept=[*/*],?Referer,?Accept-Language,Accept-Encoding=[gzip, deflate],User-Agent,Host,Connection=[Keep-Alive]:Keep-Alive,Accept-Charset:(compatible; MSIE

label = s:!:MSIE:7
sys = Windows
sig = 1:Accept=[*/*],?Referer,?Accept-Language,UA-CPU,User-Agent,Accept-Encoding=[gzip, deflate],Host,Connection=[Keep-Alive]:Keep-Alive,Accept-Charset:(compatible; MSIE

label = s:!:MSIE:6
sys = Windows
sig = 0:Accept=[*/*],?Referer,User-Agent,Host:Keep-Alive,Connection,Accept-Encoding,Accept-Language,Accept-Charset:(compatible; MSIE
sig = 1:Accept=[*/*],Connection=[Keep-Alive],Host,?Pragma=[no-cache],?Range,?Referer,User-Agent:Keep-Alive,Accept-Encoding,Accept-Language,Accept-Charset:(compatible; MSIE

label = s:!:Chrome:11.x to 26.x
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],User-Agent,Accept=[*/*],?Referer,Accept-Encoding=[gzip,deflate,sdch],Accept-Language,Accept-Charset=[utf-8;q=0.7,*;q=0.3]:: Chrom
sig = 1:Host,Connection=[keep-alive],User-Agent,Accept=[*/*],?Referer,Accept-Encoding=[gzip,deflate,sdch],Accept-Language,Accept-Charset=[UTF-8,*;q=0.5]:: Chrom
sig = 1:Host,User-Agent,Accept=[*/*],?Referer,Accept-Encoding=[gzip,deflate,sdch],Accept-Language,Accept-Charset=[utf-8;q=0.7,*;q=0.3],Connection=[keep-alive]::Chrom

label = s:!:Chrome:27.x to 42.x
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],Accept=[*/*],User-Agent,?Referer,Accept-Encoding=[gzip,deflate,sdch],Accept-Language:Accept-Charset,Keep-Alive: Chrom

label = s:!:Chrome:43.x or 50.x
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],Accept=[*/*],User-Agent,?Referer,Accept-Encoding=[gzip, deflate, sdch],Accept-Language:Accept-Charset,Keep-Alive: Chrom

label = s:!:Chrome:51.x or newer
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],Upgrade-Insecure-Requests=[1],User-Agent,Accept=[*/*],Accept-Encoding=[gzip, deflate, sdch],Accept-Language:Accept-Charset,Keep-Alive: Chrom

label = s:!:Opera:19.x or newer
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],Accept=[*/*;q=0.8],User-Agent,Accept-Encoding=[gzip,deflate,lzma,sdch],Accept-Language=[;q=0.]:Accept-Charset,Keep-Alive:OPR/

label = s:!:Opera:15.x-18.x
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],Accept=[*/*;q=0.8],User-Agent,Accept-Encoding=[gzip, deflate],Accept-Language=[;q=0.]:Accept-Charset,Keep-Alive:OPR/

label = s:!:Opera:11.x-14.x
sys = Windows,@unix
sig = 1:User-Agent,Host,Accept=[*/*;q=0.1],?Accept-Language=[;q=0.],Accept-Encoding=[gzip, deflate],Connection=[Keep-Alive]:Accept-Charset,X-OperaMini-Phone-UA:) Presto/

label = s:!:Opera:10.x
sys = Windows,@unix
sig = 1:User-Agent,Host,Accept=[*/*;q=0.1],Accept-Language=[;q=0.],Accept-Charset=[utf-8, utf-16, *;q=0.1],Accept-Encoding=[deflate, gzip, x-gzip, identity, *;q=0],Connection=[Keep-Alive]::Presto/
sig = 1:User-Agent,Host,Accept=[*/*;q=0.1],Accept-Language=[en],Accept-Encoding=[gzip, deflate],Connection=[Keep-Alive]:Accept-Charset:Opera/

label = s:!:Opera:Mini
sys = Linux
sig = 1:User-Agent,Host,Accept=[*/*;q=0.1],Accept-Language=[;q=0.],Accept-Encoding=[gzip, deflate],Connection=[Keep-Alive],X-OperaMini-Phone-UA,X-OperaMini-Features,X-OperaMini-Phone,x-forwarded-for:Accept-Charset:Opera Mini/

label = s:!:Opera:on Nintendo Wii
sys = Nintendo
sig = 1:User-Agent,Host,Accept=[*/*;q=0.1],Accept-Language=[en],Accept-Charset=[iso-8859-1, utf-8, utf-16, *;q=0.1],Accept-Encoding=[deflate, gzip, x-gzip, identity, *;q=0],Connection=[Keep-Alive]::Nintendo

label = s:!:Android:2.x
sys = Linux
sig = 1:Host,Accept-Encoding=[gzip],Accept-Language,User-Agent,Accept=[,*/*;q=0.5],Accept-Charset=[utf-16, *;q=0.7]:Connection:Android
sig = 1:Host,Connection=[keep-alive],Accept-Encoding=[gzip],Accept-Language,User-Agent,Accept=[,*/*;q=0.5],Accept-Charset=[utf-16, *;q=0.7]::Android
sig = 1:Host,Accept-Encoding=[gzip],Accept-Language=[en-US],Accept=[*/*;q=0.5],User-Agent,Accept-Charset=[utf-16, *;q=0.7]:Connection:Android

label = s:!:Android:4.x
sys = Linux
sig = 1:Host,Connection=[keep-alive],Accept=[,*/*;q=0.8],User-Agent,Accept-Encoding=[gzip,deflate],Accept-Language,Accept-Charset=[utf-16, *;q=0.7]::Android

label = s:!:Safari:7 or newer
sys = @unix
sig = *:Host,Accept-Encoding=[gzip, deflate],Connection=[keep-alive],Accept=[*/*],User-Agent,Accept-Language,?Referer,?DNT:Accept-Charset,Keep-Alive:KHTML, like Gecko)

label = s:!:Safari:5.1-6
sys = Windows,@unix
sig = *:Host,User-Agent,Accept=[*/*],?Referer,Accept-Language,Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset:KHTML, like Gecko)
sig = *:Host,User-Agent,Accept=[*/*],?Referer,Accept-Encoding=[gzip, deflate],Accept-Language,Connection=[keep-alive]:Accept-Charset:KHTML, like Gecko)

label = s:!:Safari:5.0 or earlier
sys = Mac OS X
sig = 0:Host,User-Agent,Connection=[close]:Accept,Accept-Encoding,Accept-Language,Accept-Charset:CFNetwork/

label = s:!:Konqueror:4.6 or earlier
sys = Linux,FreeBSD,OpenBSD
sig = 1:Host,Connection=[Keep-Alive],User-Agent,?Pragma,?Cache-control,Accept=[*/*],Accept-Encoding=[x-gzip, x-deflate, gzip, deflate],Accept-Charset=[;q=0.5, *;q=0.5],Accept-Language::Konqueror/

label = s:!:Konqueror:4.7 or newer
sys = Linux,FreeBSD,OpenBSD
sig = 1:Host,Connection=[keep-alive],User-Agent,Accept=[*/*],Accept-Encoding=[gzip, deflate, x-gzip, x-deflate],Accept-Charset=[,*;q=0.5],Accept-Language::Konqueror/

label = s:!:BaiduSpider:
sys = BaiduSpider
sig = 1:Host,Connection=[close],User-Agent,Accept=[*/*]:Accept-Encoding,Accept-Language,Accept-Charset:Baiduspider-image
sig = 1:Host,Accept-Language=[zh-cn],Connection=[close],User-Agent:Accept,Accept-Encoding,Accept-Charset:Baiduspider
sig = 1:Host,Connection=[close],User-Agent,Accept-Language=[zh-cn,zh-tw],Accept-Encoding=[gzip],Accept=[*/*]:Accept-Charset:Baiduspider
sig = 1:Host,Connection=[close],User-Agent,Accept-Language=[tr-TR],Accept-Encoding=[gzip],Accept=[*/*]:Accept-Charset:Baiduspider
sig = 1:Host,Connection=[close],User-Agent,Accept-Encoding=[gzip],?Accept-Language=[zh-cn,zh-tw],Accept=[*/*]:Accept-Charset:Baiduspider
sig = 1:Host,Connection=[close],User-Agent,Accept-Encoding=[gzip],Accept-Language=[tr-TR],Accept=[*/*]:Accept-Charset:Baiduspider

label = s:!:Googlebot:
sys = Linux
sig = 1:Host,Connection=[Keep-alive],Accept=[*/*],From=[googlebot(at)googlebot.com],User-Agent,Accept-Encoding=[gzip,deflate],?If-Modified-Since:Accept-Language,Accept-Charset:Googlebot
sig = 1:Host,Connection=[Keep-alive],Accept=[text/plain],Accept=[text/html],From=[googlebot(at)googlebot.com],User-Agent,Accept-Encoding=[gzip,deflate]:Accept-Language,Accept-Charset:Googlebot

label = s:!:Googlebot:feed fetcher
sys = Linux
sig = 1:Host,Connection=[Keep-alive],Accept=[*/*],User-Agent,Accept-Encoding=[gzip,deflate],?If-Modified-Since:Accept-Language,Accept-Charset:-Google
sig = 1:User-Agent,?X-shindig-dos=[on],Cache-Control,Host,?X-Forwarded-For,Accept-Encoding=[gzip],?Accept-Language:Connection,Accept,Accept-Charset:Feedfetcher-Google

label = s:!:Bingbot:
sys = Windows
sig = 1:Cache-Control,Connection=[Keep-Alive],Pragma=[no-cache],Accept=[*/*],Accept-Encoding,Host,User-Agent:Accept-Language,Accept-Charset:bingbot/

label = s:!:MSNbot:
sys = Windows
sig = 1:Connection=[Close],Accept,Accept-Encoding=[gzip, deflate],From=[msnbot(at)microsoft.com],Host,User-Agent:Accept-Language,Accept-Charset:msnbot

label = s:!:Yandex:crawler
sys = FreeBSD
sig = 1:Host,Connection=[Keep-Alive],Accept=[*/*],Accept-Encoding=[gzip,deflate],Accept-Language=[en-us, en;q=0.7, *;q=0.01],User-Agent,From=[support@search.yandex.ru]:Accept-Charset:YandexBot/
sig = 1:Host,Connection=[Keep-Alive],Accept=[image/jpeg, image/pjpeg, image/png, image/gif],User-Agent,From=[support@search.yandex.ru]:Accept-Encoding,Accept-Language,Accept-Charset:YandexImages/
sig = 1:Host,Connection=[Keep-Alive],User-Agent,From=[support@search.yandex.ru]:Accept,Accept-Encoding,Accept-Language,Accept-Charset:YandexBot/

label = s:!:Yahoo:crawler
sys = Linux
sig = 0:Host,User-Agent,Accept=[,image/png,*/*;q=0.5],Accept-Language=[en-us,en;q=0.5],Accept-Encoding=[gzip],Accept-Charset=[,utf-8;q=0.7,*;q=0.7]:Connection:Slurp

label = s:!:Flipboard:crawler
sys = Linux
sig = 1:User-Agent,Accept-Language=[en-us,en;q=0.5],Accept-Charset=[;q=0.7,*;q=0.5],Accept-Encoding=[gzip],Host,Accept=[*; q=.2, */*; q=.2],Connection=[keep-alive]::FlipboardProxy
sig = 1:Accept-language=[en-us,en;q=0.5],Accept-encoding=[gzip],Accept=[;q=0.9,*/*;q=0.8],User-agent,Host:User-Agent,Connection,Accept-Encoding,Accept-Language,Accept-Charset:FlipboardProxy

label = s:!:Spinn3r:crawler
sys = Linux
sig = 1:User-Agent,Accept-Encoding=[gzip],Host,Accept=[*; q=.2, */*; q=.2],Connection=[close]:Accept-Language,Accept-Charset:Spinn3r

label = s:!:Facebook:crawler
sys = Linux
sig = 1:User-Agent,Host,Accept=[*/*],Accept-Encoding=[deflate, gzip],Connection=[close]:Accept-Language,Accept-Charset:facebookexternalhit/
sig = 1:User-Agent,Host,Accept=[*/*],Connection=[close]:Accept-Encoding,Accept-Language,Accept-Charset:facebookexternalhit/

label = s:!:paper.li:crawler
sys = Linux
sig = 1:Accept-Language=[en-us,en;q=0.5],Accept=[*/*],User-Agent,Connection=[close],Accept-Encoding=[gzip,identity],?Referer,Host,Accept-Charset=[ISO-8859-1,utf-8;q=0.7,*;q=0.7]::PaperLiBot/

label = s:!:Twitter:crawler
sys = Linux
sig = 1:User-Agent=[Twitterbot/],Host,Accept=[*; q=.2, */*; q=.2],Cache-Control,Connection=[keep-alive]:Accept-Encoding,Accept-Language,Accept-Charset:Twitterbot/

label = s:!:linkdex:crawler
sys = Linux
sig = 0:Host,Connection=[Keep-Alive],User-Agent,Accept-Encoding=[gzip,deflate]:Accept,Accept-Language,Accept-Charset:linkdex.com/

label = s:!:Yodaobot:
sys = Linux
sig = 1:Accept-Encoding=[identity;q=0.5, *;q=0.1],User-Agent,Host:Connection,Accept,Accept-Language,Accept-Charset:YodaoBot/

label = s:!:Tweetmeme:crawler
sys = Linux
sig = 1:Host,User-Agent,Accept=[,image/png,*/*;q=0.5],Accept-Language=[en-gb,en;q=0.5],Accept-Charset=[ISO-8859-1,utf-8;q=0.7,*;q=0.7]:Connection,Accept-Encoding:TweetmemeBot/

label = s:!:Archive.org:crawler
sys = Linux
sig = 0:User-Agent,Connection=[close],Accept=[application/xml;q=0.9,*/*;q=0.8],Host:Accept-Encoding,Accept-Language,Accept-Charset:archive.org

label = s:!:Yahoo Pipes:
sys = Linux
sig = 0:Client-IP,X-Forwarded-For,X-YQL-Depth,User-Agent,Host,Connection=[keep-alive],Via:Accept,Accept-Encoding,Accept-Language,Accept-Charset:Yahoo Pipes
sig = 1:Client-IP,X-Forwarded-For,X-YQL-Depth,User-Agent,Host,Via:Connection,Accept,Accept-Encoding,Accept-Language,Accept-Charset:Yahoo Pipes

label = s:!:Google Web Preview:
sys = Linux
sig = 1:Referer,User-Agent,Accept-Encoding=[gzip,deflate],Host,X-Forwarded-For:Connection,Accept,Accept-Language,Accept-Charset:Web Preview

label = s:!:wget:
sys = @unix,Windows
sig = *:User-Agent,Accept=[*/*],Host,Connection=[Keep-Alive]:Accept-Encoding,Accept-Language,Accept-Charset:Wget/

label = s:!:Lynx:
sys = @unix,Windows
sig = 0:Host,Accept=[text/sgml, */*;q=0.01],Accept-Encoding=[gzip, compress],Accept-Language,User-Agent:Connection,Accept-Charset:Lynx/

label = s:!:curl:
sys = @unix,Windows
sig = 1:User-Agent,Host,Accept=[*/*]:Connection,Accept-Encoding,Accept-Language,Accept-Charset:curl/

label = s:!:links:
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[gzip, deflate, bzip2],Accept-Charset=[us-ascii],Accept-Language=[;q=0.1],Connection=[Keep-Alive]::Links
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[gzip,deflate,bzip2],Accept-Charset=[us-ascii],Accept-Language=[;q=0.1],Connection=[keep-alive]::Links

label = s:!:elinks:
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[bzip2, deflate, gzip],Accept-Language:Connection,Accept-Charset:ELinks/

label = s:!:Java:JRE
sys = @unix,@win
sig = 1:User-Agent,Host,Accept=[*; q=.2, */*; q=.2],Connection=[keep-alive]:Accept-Encoding,Accept-Language,Accept-Charset:Java/

label = s:!:Python:urllib
sys = @unix,Windows
sig = 1:Accept-Encoding=[identity],Host,Connection=[close],User-Agent:Accept,Accept-Language,Accept-Charset:Python-urllib/

label = s:!:w3m:
sys = @unix,Windows
sig = 0:User-Agent,Accept=[image/*],Accept-Encoding=[gzip, compress, bzip, bzip2, deflate],Accept-Language=[;q=1.0],Host:Connection,Accept-Charset:w3m/

label = s:!:libfetch:
sys = @unix
sig = 1:Host,User-Agent,Connection=[close]:Accept,Accept-Encoding,Accept-Language,Accept-Charset:libfetch/

label = s:!:Google AppEngine:
sys = Linux
sig = 1:User-Agent,Host,Accept-Encoding=[gzip]:Connection,Accept,Accept-Language,Accept-Charset:AppEngine-Google

label = s:!:WebOS:
sys = Linux
sig = 1:Host,Accept-Encoding=[gzip, deflate],User-Agent,Accept=[,*/*;q=0.5],Accept-Language,Accept-Charset=[utf-8;q=0.7,*;q=0.3]:Connection:wOSBrowser

label = s:!:xxxterm:
sys = @unix
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[gzip]:Connection,Accept-Language,Accept-Charset:xxxterm

label = s:!:Google Desktop:
sys = Windows
sig = 1:Accept=[*/*],Accept-Encoding=[gzip],User-Agent,Host,Connection=[Keep-Alive]:Accept-Language,Accept-Charset:Google Desktop/

label = s:!:luakit:
sys = @unix
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[gzip],Connection=[Keep-Alive]:Accept-Language,Accept-Charset:luakit

label = s:!:Epiphany:
sys = @unix
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[gzip],Accept-Language:Connection,Accept-Charset,Keep-Alive:Epiphany/

; p0fmod: today's command-line and library clients send Host first.
; curl 7.46-8.5: local-linux-* and tests/data/netns captures (7.88.1),
; zeek__http_http-large-gap (8.2.1), zeek__http_http-to-ssh (8.5.0).
label = s:!:curl:
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept=[*/*]:Connection,Accept-Encoding,Accept-Charset,Keep-Alive:curl/

; p0fmod: Wget 1.21 (tests/data/netns/http-clients.pcap, ../pcaps/local-
; linux-sequential-http).
label = s:!:wget:
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept=[*/*],Accept-Encoding=[identity],Connection=[Keep-Alive]:Accept-Language,Accept-Charset:Wget/

; p0fmod: Python 3 urllib (tests/data/netns captures, ../pcaps/local-linux-
; sequential-http).
label = s:!:Python:urllib
sys = @unix,Windows
sig = 1:Accept-Encoding=[identity],Host,User-Agent,Connection=[close]:Accept,Accept-Language,Accept-Charset:Python-urllib/

; p0fmod: python-requests 2.x (tests/data/netns/http-clients.pcap).
label = s:!:Python:requests
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept-Encoding=[gzip, deflate],Accept=[*/*],Connection=[keep-alive]:Accept-Language,Accept-Charset:python-requests/

; p0fmod: Go's net/http client (tests/data/netns/http-clients.pcap, Go 1.19).
label = s:!:Go:net/http
sys = @unix,Windows
sig = 1:Host,User-Agent,Accept-Encoding=[gzip]:Connection,Accept,Accept-Language,Accept-Charset:Go-http-client/

; p0fmod: Chrome 77 and newer on plain HTTP: ja4__tls3 (116, Windows),
; ../pcaps/ndpi__android (79, Android), ndpi__anyconnect-vpn (77, macOS).
label = s:!:Chrome:77 or newer
sys = Windows,@unix
sig = 1:Host,Connection=[keep-alive],User-Agent,Accept-Encoding=[gzip, deflate]:Accept,Accept-Charset,Keep-Alive:Chrome/

; p0fmod: Android WebView apps (X-Requested-With names the app):
; ../pcaps/ndpi__alexa-app (Android 5.1, WebView 56).
label = s:!:Android WebView:
sys = Android
sig = 1:Host,Connection=[keep-alive],User-Agent,Accept-Encoding=[gzip, deflate],Accept-Language,X-Requested-With:Accept-Charset,Keep-Alive:; wv)

; p0fmod: Safari 17 (zeek__pe_pe_files_timestamp 192.168.2.1, macOS).
label = s:!:Safari:17.x
sys = Mac OS X,iOS
sig = 1:Host,Upgrade-Insecure-Requests=[1],Accept=[text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8],User-Agent,Accept-Language,Accept-Encoding=[gzip, deflate],Connection=[keep-alive]:Accept-Charset,Keep-Alive:AppleWebKit/

; p0fmod: Apple's system HTTP stack (CFNetwork): com.apple.trustd
; (ndpi__tls_certificate_too_long, macOS 11) and a CFNetwork/720 app
; (../pcaps/ndpi__1kxun, macOS 10.10).
label = s:!:CFNetwork:
sys = Mac OS X,iOS
sig = 1:Host,Accept=[*/*],Accept-Language,Connection=[keep-alive],Accept-Encoding=[gzip, deflate],User-Agent:Accept-Charset,Keep-Alive:

; p0fmod: Windows Update's Delivery Optimization (../pcaps/ndpi__
; windowsupdate_over_http).
label = s:!:Windows Update:Delivery Optimization
sys = Windows
sig = 1:Connection=[Keep-Alive],Accept=[*/*],?Range,User-Agent,MS-CV,Content-Length=[0],Host:Accept-Encoding,Accept-Language,Accept-Charset:Microsoft-Delivery-Optimization/

; p0fmod: Windows' certificate fetcher: Microsoft-CryptoAPI/10.0
; (corelight-PetitPotam, corelight-zeek-asyncrat-detector, ../pcaps/ndpi__
; ocsp) and /6.1 (../pcaps/suricata-verify__tls_tls-subjectaltname).
label = s:!:Microsoft CryptoAPI:
sys = Windows
sig = 1:?Cache-Control,Connection=[Keep-Alive],Accept=[*/*],?If-Modified-Since,?If-None-Match,User-Agent,Host:Accept-Encoding,Accept-Language,Accept-Charset:Microsoft-CryptoAPI/

; p0fmod: Windows' connectivity check (ja4__ssh2 172.16.225.48).
label = s:!:Microsoft NCSI:
sys = Windows
sig = 1:Connection=[Close],User-Agent,Host:Accept,Accept-Encoding,Accept-Language,Accept-Charset:Microsoft NCSI


; HTTP responses: web server software.
[http:response]

label = s:!:Apache:2.x
sys = @unix,Windows
sig = 1:Date,Server,?Last-Modified,?Accept-Ranges=[bytes],?Content-Length,?Content-Range,Keep-Alive=[timeout],Connection=[Keep-Alive],?Transfer-Encoding=[chunked],Content-Type::Apache
sig = 1:Date,Server,?Last-Modified,?Accept-Ranges=[bytes],?Content-Length,?Connection=[close],?Transfer-Encoding=[chunked],Content-Type:Keep-Alive:Apache
sig = 1:Date,Server,Connection=[Keep-Alive],Keep-Alive=[timeout]:Content-Type,Accept-Ranges:Apache
sig = 1:Date,Server,?Last-Modified,?Accept-Ranges=[bytes],?Content-Length,Content-Type,Keep-Alive=[timeout],Connection=[Keep-Alive]::Apache

label = s:!:Apache:1.x
sys = @unix,Windows
sig = 1:Server,Content-Type,?Content-Length,Date,Connection=[keep-alive]:Keep-Alive,Accept-Ranges:Apache
sig = 1:Server,Content-Type,?Content-Length,Date,Connection=[close]:Keep-Alive,Accept-Ranges:Apache

label = s:!:IIS:7.x
sys = Windows
sig = 1:?Content-Length,Content-Type,?Etag,Server,Date:Connection,Keep-Alive,Accept-Ranges:Microsoft-IIS/
sig = 1:?Content-Length,Content-Type,?Etag,Server,Date,Connection=[close]:Keep-Alive,Accept-Ranges:Microsoft-IIS/

label = s:!:lighttpd:2.x
sys = @unix
sig = 1:?ETag,?Last-Modified,Accept-Ranges=[bytes],Content-Type,?Vary,?Content-Length,Date,Server:Connection,Keep-Alive:lighttpd/
sig = 1:?ETag,?Last-Modified,Transfer-Encoding=[chunked],Content-Type,?Vary,?Content-Length,Date,Server:Connection,Keep-Alive:lighttpd/

label = s:!:lighttpd:1.x
sys = @unix
sig = 1:Content-Type,Accept-Ranges=[bytes],?ETag,?Last-Modified,Date,Server:Connection,Keep-Alive:lighttpd/
sig = 1:Content-Type,Transfer-Encoding=[chunked],?ETag,?Last-Modified,Date,Server:Connection,Keep-Alive:lighttpd/
sig = 0:Content-Type,Content-Length,Connection=[close],Date,Server:Keep-Alive,Accept-Ranges:lighttpd/

label = s:!:nginx:1.x
sys = @unix
sig = 1:Server,Date,Content-Type,?Content-Length,?Last-Modified,Connection=[keep-alive],Keep-Alive=[timeout],Accept-Ranges=[bytes]::nginx/
sig = 1:Server,Date,Content-Type,?Content-Length,?Last-Modified,Connection=[close]:Keep-Alive,Accept-Ranges:nginx/

label = s:!:nginx:0.x
sys = @unix
sig = 1:Server,Date,Content-Type,?Content-Length,Connection=[keep-alive],?Last-Modified:Keep-Alive,Accept-Ranges:nginx/
sig = 1:Server,Date,Content-Type,?Content-Length,Connection=[close],?Last-Modified:Keep-Alive,Accept-Ranges:nginx/

label = s:!:Google Web Server:
sys = Linux
sig = *:Content-Type,X-Content-Type-Options=[nosniff],Date,Server=[sffe]:Connection,Accept-Ranges,Keep-Alive,Connection:
sig = *:Date,Content-Type,Server=[gws]:Connection,Accept-Ranges,Keep-Alive:
sig = *:Content-Type,X-Content-Type-Options=[nosniff],Server=[GSE]:Connection,Accept-Ranges,Keep-Alive:

; p0fmod: Python's http.server (SimpleHTTP/0.6, HTTP/1.0, "Content-type"):
; tests/data/netns captures (3.11), ../pcaps/local-linux-* and
; filesamples__simple_http_sll2 (3.10).
label = s:!:Python:http.server
sys = @unix,Windows
sig = 0:Server,Date,Content-type,?Content-Length:Content-Type,Connection,Keep-Alive,Accept-Ranges:SimpleHTTP/
sig = 0:Server,Date,Connection=[close],Content-Type,?Content-Length:Keep-Alive,Accept-Ranges:SimpleHTTP/

; p0fmod: IIS 10 (../pcaps/suricata-verify__tls_tls-subjectaltname).
label = s:!:IIS:10.x
sys = Windows
sig = 1:Content-Type,Server,?Strict-Transport-Security,Date,?Content-Length:Connection,Keep-Alive,Accept-Ranges:Microsoft-IIS/

; TLS hellos (p0fmod's own sections). A signature is
;   proto:version:ciphers:extensions:groups:sigalgs:flags:alpn
; proto t (TCP), q (QUIC), d (DTLS); version as JA4 writes it (13, 12, ...);
; lists of four-hex-digit values in wire order without GREASE, '~' for any
; order, '?' before a value that may be absent, '*' for anything; flags
; 'grease' or empty; ALPN names. docs/database.md has the details. Labels name
; the library family when several programs share a hello, and a version range
; only when captures or a published fact show it.
[tls:request]

; p0fmod: Chromium 156 (BoringSSL), local-tls-chromium-156.0.8078.114-v4-sni.pcap
; (TCP: two hellos, the extensions in a new order each time, hence '~') and
; -sni-quic-aioquic.pcap, -sni-quic-caddy.pcap (QUIC). Chrome shares Chromium's TLS stack.
label = s:!:Chrome:or Chromium
sys = Windows,@unix
sig = t:13:1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035:~?0000,0005,000a,000b,000d,0010,0012,0017,001b,0023,?0029,002b,002d,0033,44cd,ca34,fe0d,ff01:11ec,001d,0017,0018:0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601:grease:*
sig = q:13:1301,1302,1303:~?0000,000a,000d,0010,001b,002b,002d,0033,0039,44cd,ca34,fe0d:11ec,001d,0017,0018:0403,0804,0401,0503,0805,0501,0806,0601,0201:*:*

; p0fmod: Chrome 133 on Linux (its User-Agent in the same capture): the TCP hellos of
; ../shared/tls/pcaps/mercury__quic_reordered_frames.pcap (cisco/mercury's test suite,
; 18 hellos, extensions in a new order each time): ALPS under its older code point (4469),
; no ML-DSA signature schemes.
label = s:!:Chrome:or Chromium
sys = Windows,@unix
sig = t:13:1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035:~?0000,0005,000a,000b,000d,0010,0012,0017,001b,0023,?0029,002b,002d,0033,4469,fe0d,ff01:11ec,001d,0017,0018:0403,0804,0401,0503,0805,0501,0806,0601:grease:*

; p0fmod: Firefox ESR 153.8 (NSS 3.125), local-tls-firefox-153.8.0esr-v4-sni.pcap (TCP) and
; -sni-quic-aioquic.pcap (QUIC, neqo).
label = s:!:Firefox:
sys = Windows,@unix
sig = t:13:1301,1303,1302,c02b,c02f,cca9,cca8,c02c,c030,c00a,c013,c014,009c,009d,002f,0035:~?0000,0005,000a,000b,000d,0010,0012,0017,001b,001c,0022,0023,?0029,002b,002d,0033,fe0d,ff01:11ec,001d,0017,0018,0019,0100,0101:0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201::*
sig = q:13:1301,1303,1302:~?0000,0005,000a,000d,0010,0017,001b,001c,0022,002b,002d,0033,0039,fe0d,ff01:11ec,001d,0017,0018,0019:0403,0503,0603,0203,0804,0805,0806,0401,0501,0601,0201:*:*

; p0fmod: curl 7.88.1 with OpenSSL 3.0.19: local-tls-curl-7.88.1-v4-sni.pcap, -http1.1,
; -noalpn and the -srv-* captures. OpenSSL's default ciphers with curl's options
; (post-handshake auth 0031, no session ticket): other libcurl programs send it too.
; Its TLS 1.2 hello (-tls12) is OpenSSL's, below.
label = s:!:curl:or libcurl with OpenSSL
sys = @unix,Windows
sig = t:13:1302,1303,1301,c02c,c030,009f,cca9,cca8,ccaa,c02b,c02f,009e,c024,c028,006b,c023,c027,0067,c00a,c014,0039,c009,c013,0033,009d,009c,003d,003c,0035,002f,00ff:?0000,000b,000a,?0010,0016,0017,0031,000d,002b,002d,0033,?0015:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*

; p0fmod: Python's ssl module with its own default cipher list (a pyenv build; Debian's
; Python uses OpenSSL's list, below): local-tls-python-urllib-3.11.7-v4-sni.pcap,
; -tls12, local-tls-python-requests-2.34.2-v4-sni.pcap, local-tls-python-httpx-0.29.0-*
; (ALPN http/1.1,h2 in that order with http2=True), local-tls-python-aiohttp-3.14.5-v4-sni.pcap.
label = s:!:Python:ssl with OpenSSL
sys = @unix,Windows
sig = t:13:1302,1303,1301,c02c,c030,c02b,c02f,cca9,cca8,c024,c028,c023,c027,009f,009e,006b,0067,00ff:?0000,000b,000a,?0023,?0010,0016,0017,?0031,000d,002b,002d,0033,?0015,?0029:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*
sig = t:12:c02c,c030,c02b,c02f,cca9,cca8,c024,c028,c023,c027,009f,009e,006b,0067,00ff:?0000,000b,000a,?0023,?0010,0016,0017,000d:001d,0017,001e,0019,0018:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*

; p0fmod: urllib3 1.26's own cipher list (CCM suites, no session ticket), as Debian 12's
; python3-requests 2.28.1 with urllib3 1.26.12 sends it through Debian's Python 3.11.2:
; tests/data/tls/local-made/local-tls-python-requests-2.28.1-debian-v4-sni.pcap (made by
; scripts/capture-tls). urllib3 2.x uses Python's ssl defaults instead (above, below).
label = s:!:urllib3:1.26
sys = @unix,Windows
sig = t:13:1302,1303,1301,c02c,c030,c02b,c02f,cca9,cca8,009f,009e,ccaa,c0af,c0ad,c0ae,c0ac,c024,c028,c023,c027,c00a,c014,c009,c013,c0a3,c09f,c0a2,c09e,006b,0067,0039,0033,009d,009c,c0a1,c09d,c0a0,c09c,003d,003c,0035,002f,00ff:?0000,000b,000a,?0010,0016,0017,0031,000d,002b,002d,0033,?0015:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*

; p0fmod: Node.js 20.20.2 (OpenSSL 3.0.19 built in, Node's default cipher list):
; local-tls-nodejs-https-20.20.2-v4-sni.pcap, -tls12, local-tls-nodejs-fetch-20.20.2-v4-sni.pcap
; and local-tls-nodejs-undici-7.30.3-v4-sni.pcap (a resumed second hello with 0029),
; local-tls-nodejs-axios-1.21.1-v4-sni.pcap.
label = s:!:Node.js:
sys = @unix,Windows
sig = t:13:1302,1303,1301,c02f,c02b,c030,c02c,009e,c027,0067,c028,006b,00a3,009f,cca9,cca8,ccaa,c0af,c0ad,c0a3,c09f,c05d,c061,c057,c053,00a2,c0ae,c0ac,c0a2,c09e,c05c,c060,c056,c052,c024,006a,c023,0040,c00a,c014,0039,0038,c009,c013,0033,0032,009d,c0a1,c09d,c051,009c,c0a0,c09c,c050,003d,003c,0035,002f,00ff:?0000,000b,000a,?0023,?0010,0016,0017,?0031,000d,002b,002d,0033,?0015,?0029:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*
sig = t:12:c02f,c02b,c030,c02c,009e,c027,0067,c028,006b,00a3,009f,cca9,cca8,ccaa,c0af,c0ad,c0a3,c09f,c05d,c061,c057,c053,00a2,c0ae,c0ac,c0a2,c09e,c05c,c060,c056,c052,c024,006a,c023,0040,c00a,c014,0039,0038,c009,c013,0033,0032,009d,c0a1,c09d,c051,009c,c0a0,c09c,c050,003d,003c,0035,002f,00ff:?0000,000b,000a,?0023,?0010,0016,0017,000d:001d,0017,001e,0019,0018:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*

; p0fmod: OpenSSL 3.0.19 with its default cipher list and options, as openssl s_client,
; Debian's Python and Rust's native-tls send it: local-tls-openssl-s_client-3.0.19-v4-sni.pcap,
; -alpn, -tls12, -tls13 (TLS 1.3 ciphers only), local-tls-python-urllib-3.11.2-debian-v4-sni.pcap,
; local-tls-rust-reqwest-0.13.5-nativetls-v4-sni.pcap, local-tls-curl-7.88.1-v4-sni-tls12*.pcap.
label = s:!:OpenSSL:
sys = @unix,Windows
sig = t:13:1302,1303,1301,c02c,c030,009f,cca9,cca8,ccaa,c02b,c02f,009e,c024,c028,006b,c023,c027,0067,c00a,c014,0039,c009,c013,0033,009d,009c,003d,003c,0035,002f,00ff:?0000,000b,000a,?0023,?0010,0016,0017,?0031,000d,002b,002d,0033,?0015,?0029:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*
sig = t:12:c02c,c030,009f,cca9,cca8,ccaa,c02b,c02f,009e,c024,c028,006b,c023,c027,0067,c00a,c014,0039,c009,c013,0033,009d,009c,003d,003c,0035,002f,00ff:?0000,000b,000a,?0023,?0010,0016,0017,000d:001d,0017,001e,0019,0018:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602::*
sig = t:13:1302,1303,1301,00ff:?0000,000b,000a,?0023,?0010,0016,0017,?0031,000d,002b,002d,0033,?0015,?0029:001d,0017,001e,0019,0018,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601::*

; p0fmod: GnuTLS 3.7.9 with its default priority string, as gnutls-cli, wget 1.21.3 and git
; 2.39.5 (libcurl-gnutls) send it: local-tls-gnutls-cli-3.7.9-v4-sni.pcap, -alpn, -tls12,
; local-tls-wget-1.21.3-v4-sni.pcap, -tls12, local-tls-git-2.39.5-v4-sni.pcap.
label = s:!:GnuTLS:
sys = @unix
sig = t:13:1302,1303,1301,1304,c02c,cca9,c0ad,c00a,c02b,c0ac,c009,c030,cca8,c014,c02f,c013,009d,c09d,0035,009c,c09c,002f,009f,ccaa,c09f,0039,009e,c09e,0033:0005,000a,000b,000d,?0010,?0016,?0017,?0023,0033,002b,?0031,ff01,?0000,?002d,001c,?0015,?0029:0017,0018,0019,001d,001e,0100,0101,0102,0103,0104:0401,0809,0804,0403,0807,0501,080a,0805,0503,0808,0601,080b,0806,0603,0201,0203::*
sig = t:12:c02c,cca9,c0ad,c00a,c02b,c0ac,c009,c030,cca8,c014,c02f,c013,009d,c09d,0035,009c,c09c,002f,009f,ccaa,c09f,0039,009e,c09e,0033:0005,000a,000b,000d,?0010,?0016,?0017,?0023,ff01,?0000,001c:0017,0018,0019,001d,001e,0100,0101,0102,0103,0104:0401,0809,0804,0403,0807,0501,080a,0805,0503,0808,0601,080b,0806,0603,0201,0203::*

; p0fmod: Go 1.19.8 crypto/tls (net/http): local-tls-go-nethttp-1.19.8-v4-sni.pcap, -h1, -tls12.
; It offers RSA key exchange ciphers (009c, 009d, 002f, 0035), out of Go's default list
; since Go 1.22 (https://go.dev/doc/go1.22#crypto/tls): Go 1.21 or older.
label = s:!:Go:crypto/tls 1.21 or older
sys = @unix,Windows
sig = t:13:c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014,009c,009d,002f,0035,c012,000a,1301,1302,1303:?0000,0005,000a,000b,000d,ff01,?0010,0012,002b,0033:001d,0017,0018,0019:0804,0403,0807,0805,0806,0401,0501,0601,0503,0603,0201,0203::*
sig = t:12:c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014,009c,009d,002f,0035,c012,000a:?0000,0005,000a,000b,000d,ff01,?0010,0012,002b:001d,0017,0018,0019:0804,0403,0807,0805,0806,0401,0501,0601,0503,0603,0201,0203::*

; p0fmod: Go 1.27.3 crypto/tls (net/http): local-tls-go-nethttp-1.27.3-v4-sni.pcap, -h1, -tls12.
; X25519MLKEM768 (11ec) is offered by default since Go 1.24 (https://go.dev/doc/go1.24#crypto/tls):
; Go 1.24 or newer (the TLS 1.2-only hello has no such mark, but the same cipher list).
label = s:!:Go:crypto/tls 1.24 or newer
sys = @unix,Windows
sig = t:13:c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014,1301,1302,1303:?0000,000b,ff01,0017,0012,0005,000a,000d,0032,?0010,002b,0033:11ec,11eb,11ed,001d,0017,0018,0019:0904,0905,0906,0804,0403,0807,0805,0806,0401,0501,0601,0503,0603::*

; p0fmod: Go 1.27.3 crypto/tls limited to TLS 1.2 (MaxVersion): local-tls-go-nethttp-1.27.3-v4-sni-tls12.pcap.
; No RSA key exchange ciphers: Go 1.22 or newer (https://go.dev/doc/go1.22#crypto/tls).
label = s:!:Go:crypto/tls 1.22 or newer
sys = @unix,Windows
sig = t:12:c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014:?0000,000b,ff01,0017,0012,0005,000a,000d,0032,?0010,002b:001d,0017,0018,0019:0804,0403,0807,0805,0806,0401,0501,0601,0503,0603::*

; p0fmod: Java 17 (OpenJDK 17.0.15, SunJSSE): local-tls-java-httpclient-17.0.15+6-Debian-1deb12u1-v4-sni.pcap,
; -tls12, local-tls-java-urlconnection-17.0.15+6-Debian-1deb12u1-v4-sni.pcap.
label = s:!:Java:JSSE
sys = @unix,Windows
sig = t:13:1302,1301,1303,c02c,c02b,cca9,c030,cca8,c02f,009f,ccaa,00a3,009e,00a2,c024,c028,c023,c027,006b,006a,0067,0040,c00a,c014,c009,c013,0039,0038,0033,0032,009d,009c,003d,003c,0035,002f,00ff:?0000,0005,000a,000b,?0010,0011,0017,0023,000d,002b,002d,0032,0033,?0029:001d,0017,0018,0019,001e,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0804,0805,0806,0809,080a,080b,0401,0501,0601,0402,0303,0301,0302,0203,0201,0202::*
sig = t:12:c02c,c02b,cca9,c030,cca8,c02f,009f,ccaa,00a3,009e,00a2,c024,c028,c023,c027,006b,006a,0067,0040,c00a,c014,c009,c013,0039,0038,0033,0032,009d,009c,003d,003c,0035,002f,00ff:?0000,0005,000a,000b,?0010,0011,0017,0023,000d,002b,0032:001d,0017,0018,0019,001e,0100,0101,0102,0103,0104:0403,0503,0603,0807,0808,0804,0805,0806,0809,080a,080b,0401,0501,0601,0402,0303,0301,0302,0203,0201,0202::*

; p0fmod: Bun 1.4.5 fetch (its own BoringSSL build, no GREASE): local-tls-bun-fetch-1.4.5-v4-sni.pcap.
label = s:!:Bun:
sys = @unix,Windows
sig = t:13:1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014,009c,009d,002f,0035:?0000,0017,ff01,000a,000b,0023,?0010,0005,000d,0012,0033,002d,002b,?0029:11ec,001d,0017,0018:0403,0804,0401,0503,0805,0501,0806,0601,0807,0603,0201::*

; p0fmod: Deno 2.9.8 fetch (rustls): local-tls-deno-fetch-2.9.8-v4-sni.pcap. rustls sends its
; extensions in a new order each time (compare the reqwest captures below), hence '~'.
label = s:!:Deno:
sys = @unix,Windows
sig = t:13:1302,1301,1303,c02c,c02b,cca9,c030,c02f,cca8,00ff:~?0000,0005,000a,000b,000d,?0010,0017,0023,?0029,002b,002d,0033:001d,0017,0018,11ec:0503,0403,0603,0807,0806,0805,0804,0601,0501,0401::*

; p0fmod: rustls 0.23 with aws-lc-rs, as reqwest 0.13.5 uses it by default (TCP) and quinn 0.11
; (QUIC): local-tls-rust-reqwest-0.13.5-rustls-v4-sni.pcap, -h1, and
; local-tls-rust-reqwest-0.13.5-h3-quinn-v4-sni.pcap.
label = s:!:rustls:with aws-lc-rs
sys = @unix,Windows
sig = t:13:1302,1301,1303,c02c,c02b,cca9,c030,c02f,cca8,00ff:~?0000,0005,000a,000b,000d,?0010,0017,0023,?0029,002b,002d,0033:11ec,0018,001d,0017:0503,0403,0603,0807,0806,0805,0804,0601,0501,0401,0904,0905,0906::*
sig = q:13:1302,1301,1303:~?0000,0005,000a,000b,000d,0010,0017,002b,002d,0033,0039:11ec,0018,001d,0017:0503,0403,0603,0807,0806,0805,0804,0601,0501,0401,0904,0905,0906:*:*

; p0fmod: aioquic 1.7.2 (its own TLS 1.3 in Python): local-tls-aioquic-http3client-1.7.2-v4-sni.pcap
; and -srv-caddy.pcap.
label = s:!:aioquic:
sys = @unix,Windows
sig = q:13:1302,1301,1303:0033,002b,000d,000a,002d,?0000,0010,0039:0017,0018,001d,001e:0403,0804,0401,0503,0805,0501,0201,0807,0808:*:*

; ServerHellos. In TLS 1.3 the server picks from what the client offers and
; says little about itself; TLS 1.2 ServerHellos tell more.
[tls:response]

; p0fmod: OpenSSL 3.0.19 servers (nginx 1.22.1, openssl s_server, Python's http.server,
; Node.js https) answering TLS 1.2: local-tls-*-tls12*.pcap (the ServerHellos of
; local-tls-curl-7.88.1-v4-sni-tls12-srv-{openssl-s_server,python-https,node-https}.pcap
; and of every -tls12 capture against nginx). Extension order ff01, 0000, 000b, 0023, 0010, 0017.
label = s:!:OpenSSL:
sys = @unix,Windows
sig = t:12:*:ff01,?0000,000b,?0023,?0010,?0017:*:::*

; p0fmod: Go crypto/tls servers answering TLS 1.2: Go 1.27.3 net/http
; (local-tls-curl-7.88.1-v4-sni-tls12-srv-go-https.pcap) and Caddy 2.6.2 on Go 1.19
; (-tls12-srv-caddy.pcap): ALPN (0010) before 000b, unlike OpenSSL.
label = s:!:Go:crypto/tls
sys = @unix,Windows
sig = t:12:*:ff01,?0017,?0010,000b,?0000:*:::*

; p0fmod: gnutls-serv 3.7.9: local-tls-curl-7.88.1-v4-sni-srv-gnutls-serv.pcap (TLS 1.3:
; key_share before supported_versions) and -tls12-srv-gnutls-serv.pcap.
label = s:!:GnuTLS:
sys = @unix
sig = t:13:*:0033,002b,?0029:*:::*
sig = t:12:*:000b,0017,ff01:*:::*

; p0fmod: A TLS 1.3 ServerHello choosing TLS_AES_256_GCM_SHA384 (1302) with
; supported_versions then key_share: OpenSSL 3.0 servers (nginx, s_server, Python,
; Node.js) follow the client's preference (curl, Python, Node.js, Java offer 1302 first:
; local-tls-curl-7.88.1-v4-sni-srv-{openssl-s_server,python-https,node-https}.pcap and the
; captures against nginx), while Go (1.17 and newer) orders TLS 1.3 ciphers itself,
; AES-128 before AES-256 (https://go.dev/blog/tls-cipher-suites), and answered 1301 to
; the same curl (-srv-go-https.pcap, -srv-caddy.pcap). Generic: other servers may pick
; 1302 too.
label = g:!:OpenSSL:
sys = @unix,Windows
sig = t:13:1302:002b,0033,?0029:*:::*

; p0fmod: TLS 1.3 ServerHellos of OpenSSL 3.0 (nginx, s_server, Python, Node.js) and Go
; (net/http 1.27, Caddy) look alike: supported_versions then key_share, and 0029 when
; resuming (local-tls-nodejs-fetch-20.20.2-v4-sni.pcap). Every TLS 1.3 ServerHello of
; local-tls-curl-7.88.1-v4-sni-srv-*.pcap and of the captures against nginx.
label = g:!:OpenSSL or Go:crypto/tls
sys = @unix,Windows
sig = t:13:*:002b,0033,?0029:*:::*

; p0fmod: aioquic 1.7.2's HTTP/3 server picks TLS_AES_256_GCM_SHA384 (1302) even when the
; client prefers 1301: local-tls-chromium-156.0.8078.114-v4-sni-quic-aioquic.pcap,
; local-tls-firefox-153.8.0esr-v4-sni-quic-aioquic.pcap. One cipher choice is thin
; evidence, hence generic.
label = g:!:aioquic:
sys = @unix,Windows
sig = q:13:1302:002b,0033,?0029:*:::*

; p0fmod: quic-go 0.29 (Caddy 2.6.2) picks TLS_AES_128_GCM_SHA256 (1301) even when the client
; prefers 1302: local-tls-aioquic-http3client-1.7.2-v4-sni-srv-caddy.pcap. Generic, as
; above (a server that follows a client preferring 1301 answers the same).
label = g:!:quic-go:
sys = @unix,Windows
sig = q:13:1301:002b,0033,?0029:*:::*
