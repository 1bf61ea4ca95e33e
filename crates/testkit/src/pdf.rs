//! Writes small text PDFs, so tests and the sample libraries' PDF modules are built from
//! text kept in the repository rather than from binaries nobody can read or regenerate.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// Lines per A4 page at 11 pt with 14 pt leading between the margins.
const LINES_PER_PAGE: usize = 50;
/// Characters per line for Helvetica 11 pt on A4 with 72 pt margins (conservative).
const CHARS_PER_LINE: usize = 85;

/// A PDF whose document information holds `title` and whose pages hold `paragraphs`,
/// word-wrapped, with a blank line between paragraphs. Text must be ASCII (the standard
/// Helvetica font's encoding); the output is byte-for-byte the same for the same input.
pub fn pdf(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    document(title, paragraphs, None)
}

/// The same PDF encrypted with `password` as its user password (RC4, as old tools write).
pub fn pdf_with_password(title: &str, paragraphs: &[&str], password: &str) -> Vec<u8> {
    document(title, paragraphs, Some(password))
}

fn document(title: &str, paragraphs: &[&str], password: Option<&str>) -> Vec<u8> {
    assert!(
        title.is_ascii() && paragraphs.iter().all(|p| p.is_ascii()),
        "the PDF writer only writes ASCII text"
    );
    let mut lines = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > CHARS_PER_LINE {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }

    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for page in lines.chunks(LINES_PER_PAGE) {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![72.into(), 770.into()]),
        ];
        for line in page {
            operations.push(Operation::new(
                "Tj",
                vec![Object::string_literal(line.as_str())],
            ));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }
            .encode()
            .expect("a content stream of text operations encodes");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info_id = doc.add_object(dictionary! { "Title" => Object::string_literal(title) });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    if let Some(password) = password {
        let id = Object::string_literal("pathforge-test-id");
        doc.trailer.set("ID", vec![id.clone(), id]);
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V1 {
            document: &doc,
            owner_password: password,
            user_password: password,
            permissions: lopdf::Permissions::all(),
        })
        .expect("RC4 encryption state");
        doc.encrypt(&state).expect("the document encrypts");
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("a PDF in memory saves");
    out
}
