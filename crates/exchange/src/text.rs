//! Text files as desktop tools save them, so every document and CSV Pathforge reads
//! (documents, catalogs, skill frameworks, mappings, answer logs) takes what a person saved
//! from Word or Excel: UTF-16 by its byte-order mark ("Unicode text"), Windows-1252 (plain
//! "CSV" and Word's web pages on Windows, where "Café" is the single byte E9), an HTML
//! page's declared `charset`, and semicolons or tabs between a CSV's fields (Excel where
//! the comma is the decimal point, and its "Unicode text").

/// The text of a file, without its byte-order mark, and the encoding it was read in when
/// that was not UTF-8; or why it is not text. Bytes that are not UTF-8 are read as
/// Windows-1252 only when none of them looks like UTF-8: a UTF-8 file with one broken byte
/// is refused, not read as "CafÃ©" throughout.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
    let (text, read_as) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if malformed {
                return Err(format!(
                    "is not valid {} text, as its byte-order mark says it is",
                    encoding.name()
                ));
            }
            let named = (encoding != encoding_rs::UTF_8).then_some(encoding.name());
            (text.into_owned(), named)
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), None),
            Err(e) => {
                let some_utf8 = bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
                if some_utf8 {
                    return Err(format!(
                        "is not UTF-8 text (invalid byte at offset {}), though other \
                         characters in it are UTF-8: save it again as UTF-8",
                        e.valid_up_to()
                    ));
                }
                let windows = encoding_rs::WINDOWS_1252;
                let (text, _) = windows.decode_without_bom_handling(bytes);
                (text.into_owned(), Some(windows.name()))
            }
        },
    };
    if let Some(at) = text.find('\0') {
        return Err(format!(
            "is not text: it holds a NUL character at offset {at} (a binary file, or UTF-16 \
             saved without its byte-order mark)"
        ));
    }
    Ok((text, read_as))
}

/// The text of an HTML page: in the encoding its byte-order mark names, else the one its
/// `<meta charset>` (or `http-equiv` content type) declares in its first 1,024 bytes, as
/// browsers read it — unless its bytes are UTF-8 beyond ASCII — else as [`decode`] reads
/// any text.
pub fn decode_html(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
    // ASCII reads the same in every encoding a page may declare: nothing to say of it.
    if bytes.is_ascii() {
        return decode(bytes);
    }
    // Bytes that are UTF-8 with letters beyond ASCII are UTF-8 whatever an old template's
    // declaration still says: no Windows-1252 text reads as valid UTF-8 by chance.
    let utf8 = std::str::from_utf8(bytes).is_ok_and(|t| !t.is_ascii());
    let declared = (encoding_rs::Encoding::for_bom(bytes).is_none() && !utf8)
        .then(|| declared_charset(bytes))
        .flatten()
        // A page cannot declare UTF-16 in bytes it could read; browsers take that as UTF-8.
        .filter(|e| {
            *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
        });
    match declared {
        Some(encoding) => {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), Some(encoding.name())))
        }
        None => decode(bytes),
    }
}

/// The encoding an HTML page's first 1,024 bytes declare: `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    head.match_indices("<meta").find_map(|(at, _)| {
        let tag = &head[at..head[at..].find('>').map_or(head.len(), |end| at + end)];
        let value = &tag[tag.find("charset")? + "charset".len()..];
        let value = value.trim_start().strip_prefix('=')?.trim_start();
        let value = value.trim_start_matches(['"', '\'']);
        let label: String = value
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | ';' | '/' | '>') && !c.is_whitespace())
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    })
}

/// The text of an XML file, as the XML standard reads it (appendix F): in the encoding its
/// byte-order mark names, else the one its declaration names (`<?xml version="1.0"
/// encoding="ISO-8859-1"?>`, as older authoring tools wrote manifests), else UTF-8 —
/// strictly: bytes that are not the encoding are an error, never guessed at.
pub fn decode_xml(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
    let (encoding, start, by) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, bom, "its byte-order mark says"),
        None => match declared_xml_encoding(bytes) {
            Some(encoding) => (encoding, 0, "its XML declaration says"),
            None => (encoding_rs::UTF_8, 0, ""),
        },
    };
    if encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(&bytes[start..]) {
            Ok(text) => Ok((text.to_owned(), None)),
            Err(e) => Err(format!("is not UTF-8 (byte {})", start + e.valid_up_to())),
        };
    }
    match encoding.decode_without_bom_handling_and_without_replacement(&bytes[start..]) {
        Some(text) => Ok((text.into_owned(), Some(encoding.name()))),
        None => Err(format!("is not valid {} text, as {by}", encoding.name())),
    }
}

/// The encoding an XML declaration in ASCII names, if there is one it names.
fn declared_xml_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let end = bytes.iter().take(1024).position(|&b| b == b'>')?;
    let declaration = std::str::from_utf8(bytes[..end].strip_prefix(b"<?xml")?).ok()?;
    let value = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let value = value.trim_start().strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''))?;
    let label = value[1..].split(quote).next()?;
    encoding_rs::Encoding::for_label(label.as_bytes())
        // Bytes that read as ASCII `<?xml` cannot be UTF-16 without a mark.
        .filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE)
}

/// What to tell a person whose file was read as `encoding` (a name [`decode`] gave).
pub fn read_as(encoding: &str) -> String {
    match encoding {
        "windows-1252" => "not UTF-8: read as windows-1252 (what Excel and Word on Windows \
                           save); check accented letters"
            .to_owned(),
        other => format!("not UTF-8: read as {other}, as the file says"),
    }
}

/// A CSV reader builder for `text`, set to the delimiter its first row uses.
pub fn csv_builder(text: &str) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.delimiter(delimiter(text));
    builder
}

/// The delimiter of `text`'s first row: whichever of comma, semicolon and tab it holds
/// most of outside quotes (a comma when none).
pub fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\n' | '\r' if !quoted => break,
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    match counts {
        [comma, semi, tab] if semi > comma && semi >= tab => b';',
        [comma, _, tab] if tab > comma => b'\t',
        _ => b',',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_the_first_row_holds_most_of_outside_quotes() {
        let check = |text: &str, want: u8, why: &str| {
            assert_eq!(delimiter(text) as char, want as char, "{text:?}: {why}")
        };
        check("id,title\nA;B;C;D\n", b',', "only the first row counts");
        check("id;title;minutes\n", b';', "semicolons");
        check("id\ttitle\n", b'\t', "tabs");
        check("\"a,b,c\";title\n", b';', "commas inside quotes are text");
        check(
            "\"two\nlines\";x\n",
            b';',
            "and so is a line break inside quotes",
        );
        check(
            "id\n",
            b',',
            "one column: a comma, as written by everyone else",
        );
        check("id;title,notes\n", b',', "a tie goes to the comma");
    }

    #[test]
    fn xml_is_read_in_the_encoding_its_mark_or_declaration_names_and_strictly() {
        let check = |bytes: &[u8], want: Result<(&str, Option<&str>), &str>, why: &str| {
            let got = decode_xml(bytes);
            let got = got
                .as_ref()
                .map(|(t, e)| (t.as_str(), *e))
                .map_err(String::as_str);
            assert_eq!(got, want, "{why}");
        };
        check(
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><title>S\xe9curit\xe9</title>",
            Ok((
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><title>Sécurité</title>",
                Some("windows-1252"),
            )),
            "an older tool's Latin-1 manifest, by its declaration",
        );
        check(
            b"<?xml version='1.0' encoding='windows-1252'?><t>\x93x\x94</t>",
            Ok((
                "<?xml version='1.0' encoding='windows-1252'?><t>\u{201c}x\u{201d}</t>",
                Some("windows-1252"),
            )),
            "single quotes, and Windows-1252's curly quotes",
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>é</t>"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        check(
            &utf16,
            Ok((
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?><t>é</t>",
                Some("UTF-16LE"),
            )),
            "UTF-16 by its mark",
        );
        check(
            "<?xml version=\"1.0\"?><t>é</t>".as_bytes(),
            Ok(("<?xml version=\"1.0\"?><t>é</t>", None)),
            "no encoding declared: UTF-8",
        );
        check(
            b"\xef\xbb\xbf<t>\xc3\xa9</t>",
            Ok(("<t>é</t>", None)),
            "UTF-8 by its mark, the mark dropped",
        );
        check(
            b"<?xml version=\"1.0\"?><t>S\xe9curit\xe9</t>",
            Err("is not UTF-8 (byte 25)"),
            "undeclared Latin-1 is an error, as XML says, not a guess",
        );
        check(
            b"\xff\xfe<\x00t\x00>\x00\x00\xd8",
            Err("is not valid UTF-16LE text, as its byte-order mark says"),
            "a broken UTF-16 file",
        );
    }

    #[test]
    fn a_utf8_file_with_a_broken_byte_is_refused_not_read_as_windows_1252() {
        let err = decode(b"id,title\nA,Caf\xc3\xa9\nB,Th\xe9\n").unwrap_err();
        assert!(
            err.contains("offset 21") && err.contains("save it again as UTF-8"),
            "“Café” is UTF-8, so the lone E9 is a broken byte: reading the whole file as \
             Windows-1252 would turn every é into “Ã©”: {err}"
        );
        assert_eq!(
            decode(b"id,title\nB,Th\xe9\n").unwrap(),
            ("id,title\nB,Thé\n".to_owned(), Some("windows-1252")),
            "with no UTF-8 in it, the same byte is Windows-1252's é"
        );
        assert_eq!(
            decode("id,title\nA,Café\n".as_bytes()).unwrap(),
            ("id,title\nA,Café\n".to_owned(), None),
            "UTF-8 is read as it is, and nothing is said"
        );
    }
}
