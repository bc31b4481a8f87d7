#[test]
fn scratch() {
    let dir = std::env::var("FPDIR").unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        if p.extension().map_or(true, |e| e != "fp") { continue; }
        let t = std::fs::read(&p).unwrap();
        let t = String::from_utf8_lossy(&t);
        let out = match p0fmod_db::Database::parse(&t, "x") {
            Ok(db) => if db.signature_count == 0 { "NONE".to_string() } else { format!("OK {}", db.signature_count) },
            Err(e) => format!("ERR {} in line {}.", e.0[0].message.trim_end_matches('.'), e.0[0].line),
        };
        println!("{}\t{}", p.file_name().unwrap().to_string_lossy(), out);
    }
}
