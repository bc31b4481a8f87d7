//! The p0f.fp parser (spec §11), and p0fmod's `[tls:request]` / `[tls:response]` sections
//! (the signature grammar is in [`crate::tls`]).
//!
//! On p0f's own sections it accepts exactly what p0f 3.09b accepts, with the same error messages (without p0f's
//! trailing ` in line N.`: [`DbError`] carries the line), and reproduces the reference's
//! parsing quirks that change what a line means, such as the `N-` TTL that drops the first
//! character of the option length. Two differences are deliberate:
//!
//! * every error of the file is collected and reported, not just the first;
//! * CRLF line ends and trailing spaces or tabs are stripped instead of being refused.
//!
//! Numbers are read as decimal digits with no sign. Where p0f's `atoi` would wrap or take a
//! sign (for example a TTL written `+5`), the value is refused with the field's error.

use hashbrown::HashMap;

use p0fmod_wire::{IpVersion, Quirks};

use crate::matching::CoverIndex;
use crate::types::{HeaderPresence, LayoutIndex};
use crate::{
    ClassId, Database, DbError, DbErrors, Direction, HeaderTable, HttpSigHeader, HttpSignature,
    Label, LabelId, MtuEntry, NameId, PayloadClass, SysEntry, TcpSignature, TlsSignature,
    UaOsEntry, WindowSpec,
};

/// Largest database file [`Database::load`] reads: 16 MiB, some 250 times the stock
/// p0f.fp.
pub const MAX_DB_FILE_LEN: u64 = 16 << 20;
/// Most TCP options a signature may list.
const MAX_TCP_OPT: usize = 24;
/// Most headers an HTTP signature may list, in each of its two lists.
const MAX_HTTP_HDRS: usize = 32;
/// Non-alphanumeric characters allowed in OS and application names (p0f's `NAME_CHARS`).
const NAME_CHARS: &[u8] = b" ./-_!?()";

impl Database {
    /// Parses database text. `origin` names it in errors (a path or `<embedded>`).
    ///
    /// On failure every problem of the text is returned, each with its line.
    pub fn parse(text: &str, origin: &str) -> Result<Database, DbErrors> {
        let mut parser = Parser::new(origin);
        // p0f stops reading at a NUL byte.
        let text = text.split('\0').next().unwrap_or("");
        for (i, raw) in text.split('\n').enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            parser.line(line_no, raw);
        }
        if parser.errors.is_empty() {
            Ok(parser.db)
        } else {
            Err(DbErrors(parser.errors))
        }
    }

    /// Reads and parses a database file of at most [`MAX_DB_FILE_LEN`] bytes.
    pub fn load(path: &std::path::Path) -> Result<Database, DbErrors> {
        use std::io::Read;
        let origin = path.display().to_string();
        let file_error = |message: String| {
            Err(DbErrors(vec![DbError {
                origin: origin.clone(),
                line: 0,
                text: String::new(),
                message,
            }]))
        };
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let mut bytes = Vec::new();
        // Opened without blocking (a FIFO with no writer would block the open forever),
        // then refused if it is a FIFO or a socket, whose reads could block as long.
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(file) => file,
            Err(e) => return file_error(format!("Cannot open for reading: {e}")),
        };
        match file.metadata() {
            Ok(m) if m.file_type().is_fifo() || m.file_type().is_socket() => {
                return file_error("Not a regular file (a FIFO or a socket)".to_string());
            }
            _ => {}
        }
        // One byte more than allowed tells a file that is too large (or endless, such as
        // /dev/zero) from one that just fits.
        let read = file.take(MAX_DB_FILE_LEN + 1).read_to_end(&mut bytes);
        match read {
            Err(e) => file_error(format!("Cannot open for reading: {e}")),
            Ok(n) if n as u64 > MAX_DB_FILE_LEN => file_error(format!(
                "File too large (more than {MAX_DB_FILE_LEN} bytes)"
            )),
            Ok(_) => Database::parse(&String::from_utf8_lossy(&bytes), &origin),
        }
    }

    /// p0fmod's embedded default database.
    pub fn embedded() -> Database {
        Database::parse(crate::EMBEDDED_DB, "<embedded>").expect("the embedded database parses")
    }

    /// An empty database: no classes, names or signatures; p0f's built-in header names.
    fn empty(origin: &str) -> Database {
        Database {
            origin: origin.to_string(),
            classes: Vec::new(),
            names: Vec::new(),
            labels: Vec::new(),
            tcp_request: Vec::new(),
            tcp_response: Vec::new(),
            http_request: Vec::new(),
            http_response: Vec::new(),
            mtu: Vec::new(),
            ua_os: Vec::new(),
            headers: HeaderTable::default(),
            signature_count: 0,
            tcp_request_index: LayoutIndex::new(),
            tcp_response_index: LayoutIndex::new(),
            http_request_presence: Vec::new(),
            http_response_presence: Vec::new(),
            tls_request: Vec::new(),
            tls_response: Vec::new(),
            tls_request_keys: Vec::new(),
            tls_response_keys: Vec::new(),
        }
    }
}

/// Where the parser is in p0f's state machine (spec §11.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Before the first section: only `classes`.
    Section,
    /// Right after a section header: `label`, or `ua_os` in `[http:request]`.
    Label,
    /// After a userland label: `sys`.
    Sys,
    /// After a label (and its `sys`): `sig` or another `label`.
    Sig,
}

/// The current section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// No section yet.
    None,
    /// `[mtu]`.
    Mtu,
    /// `[tcp:request]` / `[tcp:response]`.
    Tcp(Direction),
    /// `[http:request]` / `[http:response]`.
    Http(Direction),
    /// `[tls:request]` / `[tls:response]` (p0fmod's own).
    Tls(Direction),
    /// A header that could not be read: its lines are skipped.
    Broken,
}

/// Line-by-line parser state; `'t` is the text being parsed.
struct Parser<'t> {
    db: Database,
    errors: Vec<DbError>,
    /// What the next statement should be.
    need: Need,
    section: Section,
    /// The label the next signatures belong to (`None` after a label that failed).
    label: Option<LabelId>,
    /// The link name of the current `[mtu]` label.
    mtu_link: Option<String>,
    /// After a label that failed: accept `sys` and `sig` in either order without a
    /// state error, so one mistake does not cascade.
    lenient: bool,
    line_no: u32,
    /// The current line, without its line end and trailing blanks.
    line_text: &'t str,
    /// Name ids by lowercased name (names compare case-insensitively).
    name_ids: HashMap<String, NameId>,
    /// Class ids by lowercased class name; the first declaration of a name wins.
    class_ids: HashMap<String, ClassId>,
    /// The duplicate check's index of the TCP signatures loaded so far.
    cover: CoverIndex,
}

impl<'t> Parser<'t> {
    fn new(origin: &str) -> Parser<'t> {
        Parser {
            db: Database::empty(origin),
            errors: Vec::new(),
            need: Need::Section,
            section: Section::None,
            label: None,
            mtu_link: None,
            lenient: false,
            line_no: 0,
            line_text: "",
            name_ids: HashMap::new(),
            class_ids: HashMap::new(),
            cover: CoverIndex::default(),
        }
    }

    /// The id of a name, adding it if no name matches case-insensitively; an error once
    /// the 65,536 ids are used up.
    fn intern_name(&mut self, name: &str) -> Result<NameId, String> {
        let key = name.to_ascii_lowercase();
        if let Some(&id) = self.name_ids.get(&key) {
            return Ok(id);
        }
        let id = NameId::try_from(self.db.names.len()).map_err(|_| {
            format!(
                "Too many distinct names (at most {})",
                u32::from(NameId::MAX) + 1
            )
        })?;
        self.db.names.push(name.to_string());
        self.name_ids.insert(key, id);
        Ok(id)
    }

    /// The id of a declared class, compared case-insensitively.
    fn class_id(&self, name: &str) -> Option<ClassId> {
        self.class_ids.get(&name.to_ascii_lowercase()).copied()
    }

    /// Records an error for the current line.
    fn error(&mut self, message: impl Into<String>) {
        self.errors.push(DbError {
            origin: self.db.origin.clone(),
            line: self.line_no,
            text: self.line_text.to_string(),
            message: message.into(),
        });
    }

    fn line(&mut self, line_no: u32, raw: &'t str) {
        let trimmed = raw.trim_end_matches([' ', '\t', '\r']);
        let line = trimmed.trim_start_matches([' ', '\t']);
        if line.is_empty() || line.starts_with(';') {
            return;
        }
        self.line_no = line_no;
        self.line_text = trimmed;
        if line.starts_with('[') {
            self.section_header(line);
            return;
        }
        let Some((key, value)) = split_statement(line) else {
            self.error("Unexpected statement");
            return;
        };
        match key {
            "classes" => self.classes(value),
            "ua_os" => self.ua_os(value),
            "label" => self.label(value),
            "sys" => self.sys(value),
            "sig" => self.sig(value),
            _ => self.error(format!("Unrecognized field '{key}'")),
        }
    }

    fn section_header(&mut self, line: &str) {
        self.need = Need::Label;
        self.label = None;
        self.mtu_link = None;
        self.lenient = false;
        self.section = Section::Broken;
        if line == "[mtu]" {
            self.section = Section::Mtu;
            return;
        }
        let Some((module, direction)) = line[1..].split_once(':') else {
            self.error("Malformed section identifier");
            return;
        };
        #[derive(PartialEq)]
        enum Module {
            Tcp,
            Http,
            Tls,
        }
        let module = match module {
            "tcp" => Module::Tcp,
            "http" => Module::Http,
            "tls" => Module::Tls,
            _ => {
                self.error(format!("Unrecognized fingerprinting module '{module}'"));
                return;
            }
        };
        let direction = match direction {
            "request]" => Direction::Request,
            "response]" => Direction::Response,
            _ => {
                self.error("Unrecognized traffic direction");
                return;
            }
        };
        self.section = match module {
            Module::Tcp => Section::Tcp(direction),
            Module::Http => Section::Http(direction),
            Module::Tls => Section::Tls(direction),
        };
    }

    fn classes(&mut self, value: &str) {
        if self.need != Need::Section {
            self.error("misplaced 'classes'");
            return;
        }
        let mut classes = Vec::new();
        let ok = parse_list(value, |c| {
            let token = c.take_while(|b| b.is_ascii_alphanumeric());
            if token.is_empty() {
                return Err(());
            }
            classes.push(token.to_string());
            Ok(())
        });
        if ok.is_err() {
            self.error("Malformed class entry");
            return;
        }
        for class in classes {
            let Ok(id) = ClassId::try_from(self.db.classes.len()) else {
                self.error(format!(
                    "Too many classes (at most {})",
                    u32::from(ClassId::MAX) + 1
                ));
                return;
            };
            self.class_ids
                .entry(class.to_ascii_lowercase())
                .or_insert(id);
            self.db.classes.push(class);
        }
    }

    fn ua_os(&mut self, value: &str) {
        if self.need != Need::Label || self.section != Section::Http(Direction::Request) {
            self.error("misplaced 'us_os'");
            return;
        }
        let mut c = Cursor::new(value);
        while !c.at_end() {
            let name = c.take_while(is_name_char);
            if name.is_empty() {
                self.error("Malformed system name");
                return;
            }
            let mut pattern = name;
            if c.eat(b'=') {
                if !c.eat(b'[') {
                    self.error("Missing '[' after '='");
                    return;
                }
                let alias = c.take_while(|b| b != b']');
                if alias.is_empty() || !c.eat(b']') {
                    self.error("Malformed signature");
                    return;
                }
                pattern = alias;
            }
            let name = match self.intern_name(name) {
                Ok(id) => id,
                Err(message) => {
                    self.error(message);
                    return;
                }
            };
            self.db.ua_os.push(UaOsEntry {
                name,
                pattern: pattern.to_string(),
            });
            c.eat(b',');
        }
    }

    fn label(&mut self, value: &str) {
        if !matches!(self.need, Need::Label | Need::Sig) && !self.lenient {
            self.error("misplaced 'label'");
        }
        self.label = None;
        self.mtu_link = None;
        self.lenient = true;
        match self.section {
            Section::None | Section::Broken => {
                self.need = Need::Sig;
            }
            Section::Mtu => {
                self.need = Need::Sig;
                if value.is_empty() {
                    self.error("Empty MTU label");
                    return;
                }
                self.mtu_link = Some(value.to_string());
                self.lenient = false;
            }
            Section::Tcp(_) | Section::Http(_) | Section::Tls(_) => {
                // A label whose class is `!` (even one that fails later) expects `sys`.
                let userland = value.get(2..).is_some_and(|v| v.starts_with("!:"));
                self.need = if userland { Need::Sys } else { Need::Sig };
                match self.parse_label(value) {
                    Ok(label) => {
                        let id = LabelId::try_from(self.db.labels.len())
                            .expect("fewer than 2^32 labels");
                        self.db.labels.push(label);
                        self.label = Some(id);
                        self.lenient = false;
                    }
                    Err(message) => self.error(message),
                }
            }
        }
    }

    /// `T:C:N:F` (spec §11.3).
    fn parse_label(&mut self, value: &str) -> Result<Label, String> {
        let mut c = Cursor::new(value);
        let generic = match (c.bump(), c.bump()) {
            (Some(b's'), Some(b':')) => false,
            (Some(b'g'), Some(b':')) => true,
            _ => return Err("Malformed class entry".into()),
        };
        let class_text = c.take_while(|b| b.is_ascii_alphanumeric() || b == b'!');
        if class_text.is_empty() || !c.eat(b':') {
            return Err("Malformed class entry".into());
        }
        let class = if class_text == "!" {
            None
        } else {
            match self.class_id(class_text) {
                Some(id) => Some(id),
                None => return Err(format!("Unknown class '{class_text}'")),
            }
        };
        let name = c.take_while(is_name_char);
        if name.is_empty() || !c.eat(b':') {
            return Err("Malformed name".into());
        }
        let flavor = c.rest();
        let name = self.intern_name(name)?;
        Ok(Label {
            generic,
            class,
            name,
            flavor: (!flavor.is_empty()).then(|| flavor.to_string()),
            sys: Vec::new(),
            line: self.line_no,
        })
    }

    fn sys(&mut self, value: &str) {
        let allowed = self.need == Need::Sys || self.lenient && self.need == Need::Sig;
        if !allowed {
            self.error("Misplaced 'sys'");
            return;
        }
        self.need = Need::Sig;
        let mut entries = Vec::new();
        let mut unknown_class = None;
        let mut too_many = None;
        let ok = parse_list(value, |c| {
            let is_class = c.eat(b'@');
            let token = c.take_while(is_name_char);
            if token.is_empty() || !(c.at_end() || c.peek() == Some(b',')) {
                return Err(());
            }
            if is_class {
                match self.class_id(token) {
                    Some(id) => entries.push(SysEntry::Class(id)),
                    None => {
                        unknown_class = Some(token.to_string());
                        return Err(());
                    }
                }
            } else {
                match self.intern_name(token) {
                    Ok(id) => entries.push(SysEntry::Name(id)),
                    Err(message) => {
                        too_many = Some(message);
                        return Err(());
                    }
                }
            }
            Ok(())
        });
        if let Some(message) = too_many {
            self.error(message);
            return;
        }
        match (ok, unknown_class) {
            (Ok(()), _) => {
                if let Some(id) = self.label {
                    self.db.labels[id as usize].sys = entries;
                }
            }
            (Err(()), Some(class)) => self.error(format!("Unknown class '{class}'")),
            (Err(()), None) => self.error("Malformed sys entry"),
        }
    }

    fn sig(&mut self, value: &str) {
        let allowed = self.need == Need::Sig || self.lenient && self.need == Need::Sys;
        if !allowed {
            self.error("Misplaced 'sig'");
            // A forgotten `sys` should not make every following signature an error too.
            if self.need == Need::Sys {
                self.need = Need::Sig;
            }
            return;
        }
        match self.section {
            Section::None | Section::Broken => {}
            Section::Mtu => self.mtu_sig(value),
            Section::Tcp(direction) => self.tcp_sig(direction, value),
            Section::Http(direction) => self.http_sig(direction, value),
            Section::Tls(direction) => self.tls_sig(direction, value),
        }
    }

    fn tls_sig(&mut self, direction: Direction, value: &str) {
        let sig = match crate::tls::parse_tls_sig(value) {
            Ok(sig) => sig,
            Err(message) => {
                self.error(message);
                return;
            }
        };
        let Some(label) = self.label else {
            return;
        };
        let sig = TlsSignature {
            label,
            line: self.line_no,
            ..sig
        };
        if let Some(line) = self.db.tls_covered_by(direction, &sig) {
            self.error(format!(
                "Signature in line {} is already covered by line {line}.",
                self.line_no
            ));
            return;
        }
        let key = crate::tls::signature_cipher_key(&sig);
        let (sigs, keys) = match direction {
            Direction::Request => (&mut self.db.tls_request, &mut self.db.tls_request_keys),
            Direction::Response => (&mut self.db.tls_response, &mut self.db.tls_response_keys),
        };
        sigs.push(sig);
        keys.push(key);
        self.db.signature_count += 1;
    }

    fn mtu_sig(&mut self, value: &str) {
        let mtu = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            value
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=65535).contains(m))
        } else {
            None
        };
        let Some(mtu) = mtu else {
            self.error("Malformed MTU value");
            return;
        };
        if let Some(link) = &self.mtu_link {
            self.db.mtu.push(MtuEntry {
                mtu: mtu as u16,
                link: link.clone(),
            });
            self.db.signature_count += 1;
        }
    }

    fn tcp_sig(&mut self, direction: Direction, value: &str) {
        let sig = match parse_tcp_sig(value) {
            Ok(sig) => sig,
            Err(message) => {
                self.error(message);
                return;
            }
        };
        let Some(label) = self.label else {
            return;
        };
        let sig = TcpSignature {
            label,
            line: self.line_no,
            ..sig
        };
        if let Some(line) = self.db.tcp_covered_by(direction, &sig, &self.cover) {
            self.error(format!(
                "Signature in line {} is already covered by line {line}.",
                self.line_no
            ));
            return;
        }
        let (sigs, index) = match direction {
            Direction::Request => (&mut self.db.tcp_request, &mut self.db.tcp_request_index),
            Direction::Response => (&mut self.db.tcp_response, &mut self.db.tcp_response_index),
        };
        let i = u32::try_from(sigs.len()).expect("fewer than 2^32 signatures");
        index.entry(sig.opt_layout.clone()).or_default().push(i);
        if !self.db.labels[label as usize].generic {
            self.cover.insert(direction, i, &sig);
        }
        sigs.push(sig);
        self.db.signature_count += 1;
    }

    fn http_sig(&mut self, direction: Direction, value: &str) {
        let sig = match parse_http_sig(value, &mut self.db.headers) {
            Ok(sig) => sig,
            Err(message) => {
                self.error(message);
                return;
            }
        };
        let Some(label) = self.label else {
            return;
        };
        let sig = HttpSignature {
            label,
            line: self.line_no,
            ..sig
        };
        if let Some(line) = self.db.http_covered_by(direction, &sig) {
            self.error(format!(
                "Signature in line {} is already covered by line {line}.",
                self.line_no
            ));
            return;
        }
        let presence = HeaderPresence::of(&sig);
        match direction {
            Direction::Request => {
                self.db.http_request.push(sig);
                self.db.http_request_presence.push(presence);
            }
            Direction::Response => {
                self.db.http_response.push(sig);
                self.db.http_response_presence.push(presence);
            }
        }
        self.db.signature_count += 1;
    }
}

/// Splits `key = value`: the key is `[A-Za-z_]+`, blanks may surround the `=`.
fn split_statement(line: &str) -> Option<(&str, &str)> {
    let key_len = line
        .bytes()
        .position(|b| !(b.is_ascii_alphabetic() || b == b'_'))
        .unwrap_or(line.len());
    if key_len == 0 {
        return None;
    }
    let (key, rest) = line.split_at(key_len);
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('=')?;
    Some((key, rest.trim_start_matches([' ', '\t'])))
}

/// A comma list as `classes` and `sys` read it: an empty value is an empty list; before
/// each entry blanks and commas are skipped; an entry must be followed by a comma or the
/// end, and a comma must be followed by an entry. `entry` reads one entry at the cursor.
fn parse_list(
    value: &str,
    mut entry: impl FnMut(&mut Cursor<'_>) -> Result<(), ()>,
) -> Result<(), ()> {
    if value.is_empty() {
        return Ok(());
    }
    let mut c = Cursor::new(value);
    loop {
        c.take_while(|b| b == b' ' || b == b'\t' || b == b',');
        entry(&mut c)?;
        if c.at_end() {
            return Ok(());
        }
        if !c.eat(b',') {
            return Err(());
        }
    }
}

/// p0f's name characters: alphanumerics and `NAME_CHARS`.
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || NAME_CHARS.contains(&b)
}

/// `ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass` (spec §11.4). The label and
/// line of the result are placeholders.
pub(crate) fn parse_tcp_sig(value: &str) -> Result<TcpSignature, String> {
    const MALFORMED: &str = "Malformed signature";
    let mut c = Cursor::new(value);
    let version = match c.bump() {
        Some(b'4') => Some(IpVersion::V4),
        Some(b'6') => Some(IpVersion::V6),
        Some(b'*') => None,
        _ => return Err("Unrecognized IP version".into()),
    };
    c.expect(b':', MALFORMED)?;

    // ittl: N, N+D or N-.
    let ttl = c.number();
    let mut bad_ttl = false;
    let mut distance = 0;
    if c.eat(b'-') {
        bad_ttl = true;
        c.expect(b':', MALFORMED)?;
        // p0f's bug: one character too many is skipped after `N-:`, so the first
        // character of the option length is lost.
        c.bump().ok_or(MALFORMED)?;
    } else {
        if c.eat(b'+') {
            distance = c.number();
        }
        c.expect(b':', MALFORMED)?;
    }
    if !(1..=255).contains(&ttl) || ttl.saturating_add(distance) > 255 {
        return Err("Bogus initial TTL".into());
    }

    let ip_opt_len = c.number();
    c.expect(b':', MALFORMED)?;
    let ip_opt_len = u8::try_from(ip_opt_len).map_err(|_| "Bogus IP option length")?;

    let mss = if c.eat(b'*') {
        c.expect(b':', MALFORMED)?;
        None
    } else {
        let mss = c.number();
        c.expect(b':', MALFORMED)?;
        Some(u16::try_from(mss).map_err(|_| "Bogus MSS")?)
    };

    let window = if c.eat(b'*') {
        c.expect(b',', MALFORMED)?;
        WindowSpec::Any
    } else if c.eat(b'%') {
        let n = c.number();
        c.expect(b',', MALFORMED)?;
        match u16::try_from(n) {
            Ok(n) if n >= 2 => WindowSpec::Modulo(n),
            _ => return Err("Bogus '%' value".into()),
        }
    } else if c.starts_with("mss*") || c.starts_with("mtu*") {
        let mtu = c.starts_with("mtu");
        c.advance(4);
        let n = c.number();
        c.expect(b',', MALFORMED)?;
        if !(1..=1000).contains(&n) {
            return Err("Bogus MSS/MTU multiplier".into());
        }
        if mtu {
            WindowSpec::MtuMultiple(n as u16)
        } else {
            WindowSpec::MssMultiple(n as u16)
        }
    } else {
        let n = c.number();
        c.expect(b',', MALFORMED)?;
        WindowSpec::Literal(u16::try_from(n).map_err(|_| "Bogus window size")?)
    };

    let wscale = if c.eat(b'*') {
        c.expect(b':', MALFORMED)?;
        None
    } else {
        let n = c.number();
        c.expect(b':', MALFORMED)?;
        Some(u8::try_from(n).map_err(|_| "Bogus window scale")?)
    };

    let (opt_layout, eol_pad) = parse_olayout(&mut c)?;
    c.bump(); // the ':' that ended the option list
    let quirks = parse_quirks(&mut c, version)?;
    c.bump(); // the ':' that ended the quirk list

    let payload_class = match c.rest() {
        "*" => PayloadClass::Any,
        "0" => PayloadClass::Zero,
        "+" => PayloadClass::NonZero,
        _ => return Err("Malformed payload class".into()),
    };

    Ok(TcpSignature {
        label: 0,
        line: 0,
        version,
        ttl: (ttl + distance) as u8,
        bad_ttl,
        ip_opt_len,
        mss,
        window,
        wscale,
        opt_layout,
        eol_pad,
        quirks,
        payload_class,
    })
}

/// The option layout, up to (not including) the `:` that ends it.
fn parse_olayout(c: &mut Cursor<'_>) -> Result<(Vec<u8>, u8), String> {
    const NAMED: [(&str, u8); 6] = [
        ("nop", 1),
        ("mss", 2),
        ("ws", 3),
        ("sok", 4),
        ("sack", 5),
        ("ts", 8),
    ];
    let mut layout = Vec::new();
    let mut eol_pad = 0;
    while c.peek() != Some(b':') {
        if layout.len() >= MAX_TCP_OPT {
            return Err("Too many TCP options".into());
        }
        if c.eat_str("eol") {
            if !c.eat(b'+') {
                return Err("Malformed EOL option".into());
            }
            let pad = c.number();
            if c.at_end() {
                return Err("Truncated options".into());
            }
            if c.peek() != Some(b':') {
                return Err("EOL must be the last option".into());
            }
            eol_pad = u8::try_from(pad).map_err(|_| "Bogus EOL padding")?;
            layout.push(0);
            break;
        }
        if c.eat(b'?') {
            let kind = c.number();
            if !matches!(c.peek(), Some(b',' | b':')) {
                return Err("Malformed '?' option".into());
            }
            layout.push(u8::try_from(kind).map_err(|_| "Bogus '?' option")?);
        } else if let Some(&(name, kind)) = NAMED.iter().find(|(name, _)| c.starts_with(name)) {
            c.advance(name.len());
            layout.push(kind);
        } else {
            return Err("Unrecognized TCP option".into());
        }
        if !c.eat(b',') && c.peek() != Some(b':') {
            return Err("Malformed TCP options".into());
        }
    }
    Ok((layout, eol_pad))
}

/// The quirk list, up to (not including) the `:` that ends it, with the per-version checks.
fn parse_quirks(c: &mut Cursor<'_>, version: Option<IpVersion>) -> Result<Quirks, String> {
    const V4_ONLY: Quirks =
        Quirks(Quirks::DF.0 | Quirks::NZ_ID.0 | Quirks::ZERO_ID.0 | Quirks::NZ_MBZ.0);
    let mut quirks = Quirks::empty();
    while c.peek() != Some(b':') {
        let Some(&(quirk, name)) = Quirks::NAMED.iter().find(|(_, name)| c.starts_with(name))
        else {
            return Err("Unrecognized quirk".into());
        };
        match version {
            Some(IpVersion::V6) if V4_ONLY.contains(quirk) => {
                return Err(format!("'{name}' is not valid for IPv6"));
            }
            Some(IpVersion::V4) if quirk == Quirks::FLOW => {
                return Err(format!("'{name}' is not valid for IPv4"));
            }
            _ => {}
        }
        c.advance(name.len());
        quirks.insert(quirk);
        if !c.eat(b',') && c.peek() != Some(b':') {
            return Err("Malformed quirks".into());
        }
    }
    Ok(quirks)
}

/// `ver:horder:habsent:expsw` (spec §11.5). Header names are added to `headers`. The label
/// and line of the result are placeholders.
fn parse_http_sig(value: &str, headers: &mut HeaderTable) -> Result<HttpSignature, String> {
    const MALFORMED: &str = "Malformed signature";
    let bytes = value.as_bytes();
    if bytes.len() < 2 || bytes[1] != b':' {
        return Err(MALFORMED.into());
    }
    let version = match bytes[0] {
        b'0' => Some(0),
        b'1' => Some(1),
        b'*' => None,
        _ => return Err("Bad HTTP version".into()),
    };
    let mut c = Cursor::new(value);
    c.advance(2);

    let is_header_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut ordered = Vec::new();
    while c.peek() != Some(b':') {
        if ordered.len() >= MAX_HTTP_HDRS {
            return Err("Too many headers listed".into());
        }
        let optional = c.eat(b'?');
        let name = c.take_while(is_header_char);
        if name.is_empty() {
            return Err("Malformed header name".into());
        }
        let mut header_value = None;
        if c.eat(b'=') {
            if !c.eat(b'[') {
                return Err("Missing '[' after '='".into());
            }
            let v = c.take_while(|b| b != b']');
            if v.is_empty() || !c.eat(b']') {
                return Err(MALFORMED.into());
            }
            header_value = Some(v);
        }
        if !c.eat(b',') && c.peek() != Some(b':') {
            return Err(MALFORMED.into());
        }
        ordered.push((optional, name, header_value));
    }
    c.bump();

    let mut absent = Vec::new();
    while c.peek() != Some(b':') {
        if absent.len() >= MAX_HTTP_HDRS {
            return Err("Too many headers listed".into());
        }
        let name = c.take_while(is_header_char);
        if name.is_empty() {
            return Err("Malformed header name".into());
        }
        if !c.eat(b',') && c.peek() != Some(b':') {
            return Err(MALFORMED.into());
        }
        absent.push(name);
    }
    c.bump();

    let expected_sw = c.rest();
    if expected_sw.contains(':') {
        return Err(MALFORMED.into());
    }

    Ok(HttpSignature {
        label: 0,
        line: 0,
        version,
        headers: ordered
            .into_iter()
            .map(|(optional, name, value)| HttpSigHeader {
                id: headers.insert(name),
                optional,
                value: value.map(str::to_string),
            })
            .collect(),
        absent: absent
            .into_iter()
            .map(|name| headers.insert(name))
            .collect(),
        expected_sw: (!expected_sw.is_empty()).then(|| expected_sw.to_string()),
    })
}

/// A byte cursor over an ASCII-structured value. Slices it hands out always start and end
/// next to ASCII bytes, so they are valid `str`s.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor { text, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// Takes one byte.
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.text.len());
    }

    /// Takes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Takes `b`, or fails with `message`.
    fn expect(&mut self, b: u8, message: &str) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(message.to_string())
        }
    }

    fn starts_with(&self, prefix: &str) -> bool {
        self.text.as_bytes()[self.pos..].starts_with(prefix.as_bytes())
    }

    /// Takes `prefix` if it is next.
    fn eat_str(&mut self, prefix: &str) -> bool {
        let hit = self.starts_with(prefix);
        if hit {
            self.pos += prefix.len();
        }
        hit
    }

    /// Takes the longest run of bytes that satisfy `f` (ASCII predicates only).
    ///
    /// The cursor can stand inside a multi-byte character (p0f's `N-:` skips one byte,
    /// whatever it is); no ASCII byte follows there, so the run is then empty.
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// Takes decimal digits; no digits read as 0, as in p0f. Saturates instead of wrapping.
    fn number(&mut self) -> u64 {
        self.take_while(|b| b.is_ascii_digit())
            .bytes()
            .fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
    }

    /// Everything after the cursor; empty when the cursor stands inside a character (no
    /// field accepts a value that starts there).
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }
}
