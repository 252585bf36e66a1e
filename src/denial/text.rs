//! A pasted message as one logical text: lines joined the way their writer meant them, with a
//! map back to the bytes of the paste.
//!
//! Real pastes are wrapped by consoles, terminals and people: at spaces (`AccessDeniedException:
//! ⏎User: …`), inside an ARN (`…:secret:prod/db-⏎Xy12Ab`), at a fixed column with the next line
//! indented and the word cut (`reg⏎istry`, `AccessDeniedE⏎xception`), at a hyphen
//! (`django-app-test⏎-django-ExecutionRole`). They carry decorations that are not the message:
//! box-drawing gutters (`│ Error: …`), markdown quote markers, trailing padding, and JSON or Python
//! escapes (`\n\tstatus code`). This module undoes those and nothing else; what the message says
//! is for the reader in `mod.rs`.

use crate::model::source::Span;

/// The message as one text. `origin[i]` is the byte of the paste that logical byte `i` came
/// from; `origin[text.len()]` is the paste's length.
#[derive(Debug)]
pub struct Logical {
    pub text: String,
    origin: Vec<usize>,
    /// The paste, to keep spans on its character boundaries.
    raw: String,
}

/// One line of the paste: where its content (decorations removed) starts and ends, and how wide
/// the raw line is (trailing padding included), in characters.
struct Line {
    start: usize,
    end: usize,
    raw_width: usize,
    /// Content ends where the raw line does: no trailing space before the break.
    flush: bool,
    /// The content's end column, in characters from the raw line's start.
    end_column: usize,
}

fn lines(raw: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut at = 0;
    for piece in raw.split_inclusive('\n') {
        let body = piece.trim_end_matches('\n').trim_end_matches('\r');
        let mut start = at;
        let mut content = body;
        // Leading indentation, box-drawing gutters and markdown quote markers.
        loop {
            let trimmed = content.trim_start();
            let stripped = trimmed
                .strip_prefix(['│', '┃', '║'])
                .or_else(|| trimmed.strip_prefix("> "))
                .or_else(|| (trimmed == ">").then_some(""));
            let next = stripped.unwrap_or(trimmed);
            start += content.len() - next.len();
            if stripped.is_none() {
                content = next;
                break;
            }
            content = next;
        }
        // Trailing padding and a closing gutter.
        let mut body_end = content.trim_end();
        if let Some(b) = body_end.strip_suffix(['│', '┃', '║']) {
            body_end = b.trim_end();
        }
        let end = start + body_end.len();
        let raw_width = body.chars().count();
        let end_column = raw[at..end].chars().count();
        out.push(Line {
            start,
            end,
            raw_width,
            flush: end == at + body.len(),
            end_column,
        });
        at += piece.len();
    }
    out
}

/// Characters that continue an ARN or a word across a break.
fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '/' | '_' | '*' | '.' | '$' | '[' | ']')
}

/// Words that begin the next clause of an AccessDenied message: a break before them is a space.
fn starts_clause(next: &str) -> bool {
    let lower = next.to_ascii_lowercase();
    [
        "is not",
        "is ",
        "because",
        "with an",
        "on resource",
        "status code",
        "(service",
        "and ",
        "at ",
    ]
    .iter()
    .any(|w| lower.starts_with(w))
}

/// Starts a new log entry (a timestamp or a bracketed level), not a continuation.
fn starts_entry(next: &str) -> bool {
    let b = next.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    next.starts_with('[')
        || (digits(0..4) && b.get(4) == Some(&b'-'))
        || (digits(0..2) && b.get(2) == Some(&b':'))
}

impl Logical {
    pub fn of(raw: &str) -> Logical {
        let lines = lines(raw);
        let mut text = String::with_capacity(raw.len());
        let mut origin = Vec::with_capacity(raw.len() + 1);
        // Blocks wrapped at a fixed column: consecutive lines of one raw width; the widest
        // content reaches the column, and a line that reaches it was cut inside a word.
        let same_width = |i: usize, j: usize| {
            lines[i].raw_width >= 40
                && lines[j].raw_width == lines[i].raw_width
                && lines[i].end > lines[i].start
                && lines[j].end > lines[j].start
        };
        let mut column = vec![None; lines.len()];
        let mut i = 0;
        while i < lines.len() {
            let mut j = i;
            while j + 1 < lines.len() && same_width(j, j + 1) {
                j += 1;
            }
            if j > i {
                let widest = (i..=j).map(|k| lines[k].end_column).max();
                for c in column.iter_mut().take(j + 1).skip(i) {
                    *c = widest;
                }
            }
            i = j + 1;
        }
        let mut pending_break = false;
        for (n, line) in lines.iter().enumerate() {
            let content = &raw[line.start..line.end];
            if content.is_empty() {
                // A blank line ends a paragraph.
                if !text.is_empty() {
                    pending_break = true;
                }
                continue;
            }
            if !text.is_empty() {
                let joiner = if pending_break {
                    "\n"
                } else {
                    joiner(&text, (&lines[n - 1], column[n - 1]), line, raw)
                };
                for _ in 0..joiner.len() {
                    origin.push(line.start);
                }
                text.push_str(joiner);
            }
            pending_break = false;
            push_unescaped(&mut text, &mut origin, content, line.start);
        }
        origin.push(raw.len());
        Logical {
            text,
            origin,
            raw: raw.to_string(),
        }
    }

    /// Where logical bytes `start..end` came from in the paste.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let from = self.origin[start.min(self.text.len())];
        let mut to = if end > start {
            self.origin[(end - 1).min(self.text.len())] + 1
        } else {
            from
        };
        to = to.max(from).min(self.raw.len());
        while !self.raw.is_char_boundary(to) {
            to += 1;
        }
        Span::new(from, to)
    }

    /// The paste's bytes `span` as logical text (for the line a finding quotes).
    pub fn text_of(&self, span: Span) -> &str {
        let start = self.origin.partition_point(|&o| o < span.start);
        let end = self.origin.partition_point(|&o| o < span.end);
        let end = end.min(self.text.len()).max(start.min(self.text.len()));
        let start = start.min(end);
        // Stay on character boundaries.
        let mut s = start;
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = end;
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        &self.text[s..e]
    }
}

/// How line `prev` (with its block's wrap column) joins line `next`: nothing (a word or ARN
/// cut by the wrapping) or a space.
fn joiner(
    so_far: &str,
    (prev, column): (&Line, Option<usize>),
    next: &Line,
    raw: &str,
) -> &'static str {
    let prev_text = &raw[prev.start..prev.end];
    let content = &raw[next.start..next.end];
    let last_token = so_far.rsplit([' ', '\n']).next().unwrap_or("");
    let ends_token = prev_text.ends_with(token_char);
    let next_continues = content.starts_with(token_char) && !starts_entry(content);
    // A fixed-column wrap that reached the column cut a word.
    if column == Some(prev.end_column) && ends_token && next_continues && !starts_clause(content) {
        return "";
    }
    // An ARN broken by the wrapping, at any character or at a hyphen. An indented next line
    // is a new one (a stack frame, a log's continuation) unless the break is at a hyphen.
    let in_arn = last_token.contains("arn:");
    let hyphen = prev_text.ends_with('-') || content.starts_with('-');
    let indented = raw[..next.start]
        .rsplit('\n')
        .next()
        .is_some_and(|lead| !lead.is_empty());
    if in_arn
        && ends_token
        && next_continues
        && ((prev.flush && !indented) || hyphen)
        && !starts_clause(content)
    {
        return "";
    }
    " "
}

/// Appends `content` with JSON and Python string escapes undone: `\n`, `\t`, `\r` become a
/// space, `\"` a quote.
fn push_unescaped(text: &mut String, origin: &mut Vec<usize>, content: &str, base: usize) {
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < content.len() {
        if bytes[i] == b'\\' && i + 1 < content.len() {
            match bytes[i + 1] {
                b'n' | b't' | b'r' => {
                    text.push(' ');
                    origin.push(base + i);
                    i += 2;
                    continue;
                }
                b'"' => {
                    text.push('"');
                    origin.push(base + i);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        let c = content[i..].chars().next().unwrap_or(' ');
        text.push(c);
        for k in 0..c.len_utf8() {
            origin.push(base + i + k);
        }
        i += c.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_at_spaces_become_spaces() {
        let raw = "CdkStack failed: AccessDenied: User: \narn:aws:sts::1:assumed-role/r/s is not\nauthorized to perform: iam:PassRole";
        assert_eq!(
            Logical::of(raw).text,
            "CdkStack failed: AccessDenied: User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:PassRole"
        );
    }

    #[test]
    fn an_arn_broken_inside_is_joined() {
        let raw = "on resource: arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-\nXy12Ab status code: 400";
        assert_eq!(
            Logical::of(raw).text,
            "on resource: arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-Xy12Ab status code: 400"
        );
        // A trailing space before the break is a space, even after an ARN.
        let spaced = "User: arn:aws:sts::x:assumed-role/r/s \nis not authorized";
        assert_eq!(
            Logical::of(spaced).text,
            "User: arn:aws:sts::x:assumed-role/r/s is not authorized"
        );
    }

    #[test]
    fn a_fixed_column_wrap_that_cut_words_is_undone() {
        let pad = |s: &str| format!("{s:<90}");
        let raw = [
            pad("      - [10f3cb5a]: ResourceInitializationError: unable to pull secrets or reg"),
            pad("        istry auth: execution resource retrieval failed: unable to retrieve se"),
            pad("        crets from ssm: service call has been retried 1 time(s): AccessDeniedE"),
            pad("        xception: User: arn:aws:sts::xxx:assumed-role/django-app-test"),
            pad("        -django-ExecutionRole-0GkTVxbLE8AS/10f3 is"),
        ]
        .join("\n");
        let text = Logical::of(&raw).text;
        assert!(
            text.contains("unable to pull secrets or registry auth"),
            "{text}"
        );
        assert!(text.contains("retrieve secrets from ssm"), "{text}");
        assert!(text.contains("AccessDeniedException: User: arn:aws:sts::xxx:assumed-role/django-app-test-django-ExecutionRole-0GkTVxbLE8AS/10f3 is"), "{text}");
    }

    #[test]
    fn gutters_quotes_and_escapes_are_not_the_message() {
        let raw =
            "│ Error: reading secret: AccessDeniedException: denied\n│ \tstatus code: 400    │";
        assert_eq!(
            Logical::of(raw).text,
            "Error: reading secret: AccessDeniedException: denied status code: 400"
        );
        let json = r#"{"msg":"AccessDenied: User: a is not\n\tstatus code: 403"}"#;
        assert!(Logical::of(json).text.contains("is not  status code"));
        assert_eq!(Logical::of("> quoted\n> again").text, "quoted again");
    }

    #[test]
    fn spans_map_back_to_the_paste() {
        let raw = "User: \n  arn:aws:sts::1:assumed-role/r/s is";
        let l = Logical::of(raw);
        let at = l.text.find("arn:").unwrap();
        let span = l.span(at, at + 4);
        assert_eq!(&raw[span.start..span.end], "arn:");
    }

    #[test]
    fn blank_lines_end_a_paragraph_and_hostile_text_is_kept_whole() {
        let l = Logical::of("first\n\n\nsecond");
        assert_eq!(l.text, "first\nsecond");
        for raw in ["", "\n\n", "é\\", "\\", "│", "a\r\nb", "\u{0}\u{1b}[31m"] {
            let l = Logical::of(raw);
            let _ = l.span(0, l.text.len());
            let _ = l.text_of(Span::new(0, raw.len()));
        }
    }
}
