//! The inputs of an offline run: capture files, standard input (`-`) and directories,
//! read one after the other into one host table.
//!
//! [`expand`] turns the `-r` arguments into the list of captures to read, before anything
//! is read: a file stands for itself, `-` for standard input, a directory for the captures
//! in it (its regular files whose first bytes are a pcap, pcapng or gzip header, in name
//! order; hidden files and subdirectories are left out). A path that cannot be opened is
//! an error at once, so that a mistyped name stops the run before any output.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use p0fmod_capture::{CaptureError, FileCapture, looks_like_capture};

/// One capture to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A capture file.
    File(PathBuf),
    /// Standard input (`-r -`).
    Stdin,
}

impl Input {
    /// The name given on the command line (`-` for standard input): what the status lines,
    /// the warnings and the JSON records' `source` say.
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// Opens the capture and reads its header.
    pub fn open(&self) -> Result<FileCapture, CaptureError> {
        match self {
            Input::File(path) => FileCapture::open(path),
            Input::Stdin => FileCapture::from_reader(Box::new(io::stdin()), "-"),
        }
    }
}

/// Why the inputs cannot be read.
#[derive(Debug)]
pub enum InputError {
    /// A path could not be opened (or a directory listed).
    Io {
        /// The path.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// A directory holds no capture file.
    NoCaptures(PathBuf),
    /// `-r -` given more than once.
    StdinTwice,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            InputError::NoCaptures(dir) => write!(
                f,
                "No capture files in directory '{}' (pcap, pcapng or gzip of either).",
                dir.display()
            ),
            InputError::StdinTwice => f.write_str("Standard input (-r -) can be read only once."),
        }
    }
}

impl std::error::Error for InputError {}

/// The captures to read, and the files of directories that were left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The captures, in reading order.
    pub captures: Vec<Input>,
    /// Files of the directories given that are not captures (a warning names them).
    pub skipped: Vec<PathBuf>,
    /// True when the run reads more than one capture, or a directory: the JSON records
    /// then name their `source`.
    pub several: bool,
}

/// The captures that `paths` (the `-r` arguments, in order) stand for.
pub fn expand(paths: &[PathBuf]) -> Result<Inputs, InputError> {
    let mut inputs = Inputs::default();
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InputError::Io { path, source }
    };
    for path in paths {
        if path.as_os_str() == "-" {
            if inputs.captures.contains(&Input::Stdin) {
                return Err(InputError::StdinTwice);
            }
            inputs.captures.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(io_error(path))?;
        if !meta.is_dir() {
            // A regular file is opened (and closed) now, so that an unreadable one stops
            // the run at once; a pipe or a device (`/dev/stdin`, a FIFO) is opened once,
            // when it is read, since closing it would end the writer's stream.
            if meta.is_file() {
                File::open(path).map_err(io_error(path))?;
            }
            inputs.captures.push(Input::File(path.clone()));
            continue;
        }
        inputs.several = true;
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io_error(path))? {
            let entry = entry.map_err(io_error(path))?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let file = entry.path();
            if !hidden && std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                files.push(file);
            }
        }
        files.sort();
        let before = inputs.captures.len();
        for file in files {
            let mut head = [0u8; 4];
            let n = File::open(&file)
                .and_then(|mut f| read_up_to(&mut f, &mut head))
                .unwrap_or(0);
            if looks_like_capture(&head[..n]) {
                inputs.captures.push(Input::File(file));
            } else {
                inputs.skipped.push(file);
            }
        }
        if inputs.captures.len() == before {
            return Err(InputError::NoCaptures(path.clone()));
        }
    }
    inputs.several |= inputs.captures.len() > 1;
    Ok(inputs)
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_give_their_captures_in_name_order() {
        let dir = std::env::temp_dir().join(format!("p0fmod-inputs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let pcap = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        std::fs::write(dir.join("b.pcap"), pcap).unwrap();
        std::fs::write(dir.join("a.cap.gz"), [0x1f, 0x8b, 8, 0]).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a capture").unwrap();
        std::fs::write(dir.join(".hidden.pcap"), pcap).unwrap();
        std::fs::write(dir.join("sub/c.pcap"), pcap).unwrap();
        let one = dir.join("b.pcap");
        let inputs = expand(&[dir.clone(), PathBuf::from("-"), one.clone()]).unwrap();
        assert_eq!(
            inputs.captures,
            vec![
                Input::File(dir.join("a.cap.gz")),
                Input::File(dir.join("b.pcap")),
                Input::Stdin,
                Input::File(one.clone()),
            ]
        );
        assert_eq!(inputs.skipped, vec![dir.join("notes.txt")]);
        assert!(inputs.several);

        let single = expand(std::slice::from_ref(&one)).unwrap();
        assert!(!single.several && single.skipped.is_empty());
        assert!(matches!(
            expand(&["-".into(), "-".into()]),
            Err(InputError::StdinTwice)
        ));
        // A FIFO is not opened before it is read (opening blocks until a writer comes,
        // and closing it would end the writer's stream).
        let fifo = dir.join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let inputs = expand(std::slice::from_ref(&fifo)).unwrap();
        assert_eq!(inputs.captures, vec![Input::File(fifo)]);
        let missing = expand(&[dir.join("missing.pcap")]).unwrap_err();
        assert!(missing.to_string().contains("missing.pcap"), "{missing}");
        let empty = dir.join("sub/empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert_eq!(
            expand(std::slice::from_ref(&empty))
                .unwrap_err()
                .to_string(),
            format!(
                "No capture files in directory '{}' (pcap, pcapng or gzip of either).",
                empty.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
