//! A small XML writer over quick-xml, so each target reads like the document it writes.
//! Writing into memory cannot fail; attribute values and text are escaped by quick-xml.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

pub(crate) struct Xml(Writer<Vec<u8>>);

const MEMORY: &str = "writing XML to memory cannot fail";

impl Xml {
    pub(crate) fn new() -> Xml {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect(MEMORY);
        Xml(w)
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Xml {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.0.write_event(Event::Start(start)).expect(MEMORY);
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Xml {
        self.0
            .write_event(Event::End(BytesEnd::new(name)))
            .expect(MEMORY);
        self
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Xml {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.0.write_event(Event::Empty(start)).expect(MEMORY);
        self
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Xml {
        self.0
            .create_element(name)
            .with_attributes(attrs.iter().copied())
            .write_text_content(BytesText::new(text))
            .expect(MEMORY);
        self
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        let mut bytes = self.0.into_inner();
        bytes.push(b'\n');
        bytes
    }
}
