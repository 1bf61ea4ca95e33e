//! Offline review packs, for SMEs who do not have the app: [`render`] writes one
//! self-contained HTML file (data, script and style inline; nothing fetched) holding
//! suggestions with their evidence; the SME accepts, rejects and comments in any browser
//! and saves a decisions file, which [`parse_decisions`] reads back and checks.
//!
//! Pure: a [`Pack`] in, HTML out; bytes in, [`Decisions`] or an [`Error`] out. The engine
//! records which packs it issued and decides what applies.

use serde::{Deserialize, Serialize};

/// The format tag of a pack's embedded data.
pub const PACK_FORMAT: &str = "pathforge.review-pack/v1";
/// The format tag of a decisions file.
pub const DECISIONS_FORMAT: &str = "pathforge.review-decisions/v1";

/// What a pack holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    pub format: String,
    pub id: String,
    pub project_id: String,
    pub project_name: String,
    /// When it was made, as text for the reader (e.g. `2026-11-30 14:02 UTC`).
    pub created: String,
    pub items: Vec<PackItem>,
}

/// One suggestion to review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackItem {
    pub module: String,
    pub title: String,
    pub skill: String,
    pub skill_name: String,
    pub confidence: f64,
    /// The suggestion's state when the pack was made.
    pub state: String,
    /// Hash of the module's text when the pack was made: a decision applies to that text.
    pub text_hash: String,
    /// The passages behind the suggestion, best first.
    pub passages: Vec<String>,
    /// The start of the module's text.
    pub excerpt: String,
}

/// A decisions file as the pack saves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    pub format: String,
    pub pack: String,
    pub project: String,
    pub reviewer: String,
    pub decisions: Vec<Decision>,
    /// sha256 of [`canonical`], written by the pack: a file edited by hand no longer
    /// matches it.
    pub checksum: String,
}

/// One SME decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub module: String,
    pub skill: String,
    pub text_hash: String,
    /// `accepted` or `rejected`.
    pub state: String,
    #[serde(default)]
    pub note: String,
}

/// Why a decisions file is refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("is not a Pathforge review decisions file ({0})")]
    NotOurs(String),
    #[error("is incomplete or damaged: {0}")]
    Damaged(String),
    #[error("was changed after the review pack saved it (its checksum does not match)")]
    Edited,
    #[error("decision {index} is {state:?}; a decision is \"accepted\" or \"rejected\"")]
    BadState { index: usize, state: String },
    #[error("names no reviewer")]
    NoReviewer,
}

/// The text a decisions file's checksum covers; the pack's script builds the same.
pub fn canonical(d: &Decisions) -> String {
    let clean = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\t', "\\t")
    };
    let mut out = format!(
        "{}\n{}\n{}\n{}\n",
        d.format,
        d.pack,
        d.project,
        clean(&d.reviewer)
    );
    for x in &d.decisions {
        out += &format!(
            "{}\t{}\t{}\t{}\t{}\n",
            x.module,
            x.skill,
            x.text_hash,
            x.state,
            clean(&x.note)
        );
    }
    out
}

/// sha256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// Reads and checks a decisions file: ours, complete, unedited, each decision valid.
pub fn parse_decisions(bytes: &[u8]) -> Result<Decisions, Error> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            Error::Damaged(format!("it ends early ({e})"))
        } else {
            Error::NotOurs(format!("not JSON: {e}"))
        }
    })?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(DECISIONS_FORMAT) => {}
        Some(other) => return Err(Error::NotOurs(format!("its format is {other:?}"))),
        None => return Err(Error::NotOurs("it has no format tag".into())),
    }
    let d: Decisions = serde_json::from_value(value).map_err(|e| Error::Damaged(e.to_string()))?;
    if d.checksum != sha256_hex(&canonical(&d)) {
        return Err(Error::Edited);
    }
    if d.reviewer.trim().is_empty() {
        return Err(Error::NoReviewer);
    }
    for (i, x) in d.decisions.iter().enumerate() {
        if x.state != "accepted" && x.state != "rejected" {
            return Err(Error::BadState {
                index: i + 1,
                state: x.state.clone(),
            });
        }
    }
    Ok(d)
}

/// The pack as one HTML file: the data as JSON in a non-executed script element, the
/// page's script and style inline, and a content security policy that allows nothing
/// else (no network, no other scripts).
pub fn render(pack: &Pack) -> String {
    // Inside <script> every "<" is a risk, not only "</": "<!--" followed by "<script"
    // puts the HTML parser in a state where the element's own "</script>" no longer ends
    // it, and the whole page goes blank. JSON strings may spell any character as \uXXXX,
    // so "<", ">" and "&" never appear in the data as themselves.
    let data = serde_json::to_string(pack)
        .expect("packs serialise")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let title = escape(&format!("Review pack: {}", pack.project_name));
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <p class="muted">Made {created} · <span id="count"></span>. Accept or reject each suggested skill (keys <kbd>A</kbd> / <kbd>R</kbd>, <kbd>J</kbd> / <kbd>K</kbd> to move), add a note if you like, then <b>Save decisions</b> and send the file back to your designer. Nothing leaves this page until you save.</p>
  <label>Your name <input id="reviewer" autocomplete="name" placeholder="Name as it should appear in the audit log"></label>
  <button id="save" type="button">Save decisions</button>
  <span id="status" role="status"></span>
</header>
<main id="items"></main>
<script type="application/json" id="pack">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        created = escape(&pack.created),
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #dde1e8; padding: 0.8rem 1.2rem; display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; }
header h1 { font-size: 1.15rem; margin: 0; flex-basis: 100%; }
header p { margin: 0; flex-basis: 100%; }
.muted { color: #5b6475; }
main { padding: 1rem 1.2rem; display: flex; flex-direction: column; gap: 0.8rem; max-width: 60rem; }
article { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 0.8rem 1rem; }
article.current { outline: 2px solid #2f5aa8; }
article.accepted { border-left: 5px solid #2f7a3d; }
article.rejected { border-left: 5px solid #b3261e; }
article h2 { font-size: 1rem; margin: 0 0 0.3rem; }
mark { background: #fff1b8; }
blockquote { margin: 0.4rem 0; padding: 0.3rem 0.7rem; border-left: 3px solid #dde1e8; color: #333; }
.actions { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.5rem; }
textarea { width: 100%; min-height: 2.2rem; font: inherit; }
button { font: inherit; padding: 0.3rem 0.8rem; border-radius: 6px; border: 1px solid #c5ccd8; background: #fff; cursor: pointer; }
button.on { background: #1d2433; color: #fff; }
kbd { font-size: 0.8em; border: 1px solid #c5ccd8; border-radius: 3px; padding: 0 0.25em; }
"#;

/// The page's script: draws the items, records decisions, saves the decisions file with
/// the checksum [`canonical`] describes (its own sha256, so it works from a file:// page).
const SCRIPT: &str = r#"
'use strict';
const pack = JSON.parse(document.getElementById('pack').textContent);
const decisions = new Map();
let current = 0;
const items = document.getElementById('items');
const key = (it) => it.module + '\u0000' + it.skill;
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}
function draw() {
  items.replaceChildren();
  pack.items.forEach((it, i) => {
    const d = decisions.get(key(it));
    const art = el('article', { 'data-testid': 'item', 'data-index': String(i) });
    if (i === current) art.classList.add('current');
    if (d) art.classList.add(d.state);
    art.append(el('h2', {}, it.skill_name + ' — ' + it.title));
    art.append(el('p', { class: 'muted' }, 'Suggested with ' + Math.round(it.confidence * 100) + '% confidence (' + it.state + ')'));
    for (const p of it.passages) art.append(el('blockquote', {}, el('mark', {}, p)));
    art.append(el('p', { class: 'muted' }, it.excerpt));
    const accept = el('button', { type: 'button', 'data-testid': 'accept' }, 'Accept');
    const reject = el('button', { type: 'button', 'data-testid': 'reject' }, 'Reject');
    if (d && d.state === 'accepted') accept.classList.add('on');
    if (d && d.state === 'rejected') reject.classList.add('on');
    accept.onclick = () => decide(i, 'accepted');
    reject.onclick = () => decide(i, 'rejected');
    const note = el('textarea', { 'data-testid': 'note', placeholder: 'Note (optional)' });
    note.value = d ? d.note : '';
    note.oninput = () => { const x = decisions.get(key(it)); if (x) x.note = note.value; };
    art.append(el('div', { class: 'actions' }, accept, reject), note);
    items.append(art);
  });
  document.getElementById('count').textContent = decisions.size + ' of ' + pack.items.length + ' decided';
}
function decide(i, state) {
  const it = pack.items[i];
  const old = decisions.get(key(it));
  decisions.set(key(it), { module: it.module, skill: it.skill, text_hash: it.text_hash, state, note: old ? old.note : '' });
  current = Math.min(i + 1, pack.items.length - 1);
  draw();
}
document.addEventListener('keydown', (e) => {
  if (['INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)) return;
  const k = e.key.toLowerCase();
  if (k === 'a') decide(current, 'accepted');
  else if (k === 'r') decide(current, 'rejected');
  else if (k === 'j') { current = Math.min(current + 1, pack.items.length - 1); draw(); }
  else if (k === 'k') { current = Math.max(current - 1, 0); draw(); }
});
// sha256 (FIPS 180-4) over UTF-8, so the checksum needs no secure context.
function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const K = [];
  const isPrime = (n) => { for (let d = 2; d * d <= n; d++) if (n % d === 0) return false; return true; };
  const frac = (x) => ((x - Math.floor(x)) * 0x100000000) >>> 0;
  let H = [];
  for (let n = 2; K.length < 64; n++) if (isPrime(n)) { if (H.length < 8) H.push(frac(Math.sqrt(n))); K.push(frac(Math.cbrt(n))); }
  const len = bytes.length, padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(bytes); padded[len] = 0x80;
  const bits = len * 8, view = new DataView(padded.buffer);
  view.setUint32(padded.length - 4, bits >>> 0); view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  const W = new Uint32Array(64), rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(W[t - 15], 7) ^ rotr(W[t - 15], 18) ^ (W[t - 15] >>> 3);
      const s1 = rotr(W[t - 2], 17) ^ rotr(W[t - 2], 19) ^ (W[t - 2] >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H = H.map((x, i) => (x + [a, b, c, d, e, f, g, h][i]) >>> 0);
  }
  return H.map((x) => x.toString(16).padStart(8, '0')).join('');
}
const clean = (s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
document.getElementById('save').onclick = () => {
  const reviewer = document.getElementById('reviewer').value.trim();
  const status = document.getElementById('status');
  if (!reviewer) { status.textContent = 'Write your name first: it goes into the audit log with each decision.'; return; }
  const file = { format: 'pathforge.review-decisions/v1', pack: pack.id, project: pack.project_id, reviewer, decisions: [...decisions.values()] };
  let text = file.format + '\n' + file.pack + '\n' + file.project + '\n' + clean(reviewer) + '\n';
  for (const d of file.decisions) text += [d.module, d.skill, d.text_hash, d.state, clean(d.note)].join('\t') + '\n';
  file.checksum = sha256(text);
  const blob = new Blob([JSON.stringify(file, null, 1)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: 'decisions-' + pack.id.slice(0, 8) + '.json' });
  document.body.append(a); a.click(); a.remove();
  status.textContent = 'Saved ' + file.decisions.length + ' decisions. Send the file to your designer.';
};
draw();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions() -> Decisions {
        let mut d = Decisions {
            format: DECISIONS_FORMAT.into(),
            pack: "p1".into(),
            project: "proj".into(),
            reviewer: "Dr. Ada\tLovelace".into(),
            decisions: vec![Decision {
                module: "m1".into(),
                skill: "pricing".into(),
                text_hash: "abc".into(),
                state: "accepted".into(),
                note: "fits\nwell".into(),
            }],
            checksum: String::new(),
        };
        d.checksum = sha256_hex(&canonical(&d));
        d
    }

    #[test]
    fn decisions_files_round_trip_and_bad_ones_are_named() {
        let good = serde_json::to_vec(&decisions()).unwrap();
        assert_eq!(
            parse_decisions(&good).unwrap(),
            decisions(),
            "a saved file reads back"
        );
        let check = |bytes: &[u8], want: fn(&Error) -> bool, why: &str| {
            let err = parse_decisions(bytes).expect_err(why);
            assert!(want(&err), "{why}: {err}");
        };
        check(
            b"<html>not json</html>",
            |e| matches!(e, Error::NotOurs(_)),
            "not ours",
        );
        check(
            br#"{"format":"something/v2"}"#,
            |e| matches!(e, Error::NotOurs(_)),
            "another format",
        );
        check(
            &good[..good.len() / 2],
            |e| matches!(e, Error::Damaged(_)),
            "truncated",
        );
        let edited = String::from_utf8(good.clone())
            .unwrap()
            .replace("accepted", "rejected");
        check(edited.as_bytes(), |e| *e == Error::Edited, "edited by hand");
        let mut odd = decisions();
        odd.decisions[0].state = "maybe".into();
        odd.checksum = sha256_hex(&canonical(&odd));
        check(
            &serde_json::to_vec(&odd).unwrap(),
            |e| matches!(e, Error::BadState { .. }),
            "unknown state",
        );
    }

    #[test]
    fn the_page_is_self_contained_and_its_data_cannot_end_the_script() {
        let pack = Pack {
            format: PACK_FORMAT.into(),
            id: "p1".into(),
            project_id: "proj".into(),
            project_name: "Sales <onboarding>".into(),
            created: "2026-11-30".into(),
            items: vec![PackItem {
                module: "m1".into(),
                title: "</script><script>alert(1)</script> <!--<script> &amp;".into(),
                skill: "pricing".into(),
                skill_name: "Pricing".into(),
                confidence: 0.9,
                state: "suggested".into(),
                text_hash: "abc".into(),
                passages: vec!["Tiers and seats.".into()],
                excerpt: "Pricing tiers".into(),
            }],
        };
        let html = render(&pack);
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the two script elements end: the data cannot close one"
        );
        assert!(
            !html.contains("src=") && !html.contains("href=\"http"),
            "nothing is fetched"
        );
        assert!(
            html.contains("default-src 'none'"),
            "a policy forbids any other source"
        );
        assert!(
            html.contains("Sales &lt;onboarding&gt;"),
            "names are escaped in the markup"
        );
        let data = html
            .split("id=\"pack\">")
            .nth(1)
            .unwrap()
            .split("</script>")
            .next()
            .unwrap();
        assert!(
            !data.contains(['<', '>', '&']),
            "no markup character appears in the data as itself: {data}"
        );
        assert!(
            !data.contains(['<', '>', '&']),
            "no markup character appears in the data as itself: {data}"
        );
        let back: Pack = serde_json::from_str(data).unwrap();
        assert_eq!(back, pack, "the embedded data is the pack, exactly");
    }
}
