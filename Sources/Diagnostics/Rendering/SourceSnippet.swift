/// One source line prepared for display, with the span to underline in terminal cells.
///
/// Tabs become ``tabWidth`` spaces, combining marks take no cell and East Asian wide
/// characters and emoji take two, so the underline sits under the text in a terminal even
/// though ``SourceLocation/column`` counts Unicode scalars.
struct SourceSnippet: Equatable {
    /// How many spaces a tab is shown as, in both the source line and its underline.
    static let tabWidth = 4

    /// The 1-based line number shown in the gutter.
    let line: Int
    /// The line's text with tabs expanded.
    let text: String
    /// Terminal cells before the underline starts.
    let underlineStart: Int
    /// Terminal cells the underline covers; at least one.
    let underlineWidth: Int

    /// The first line of `range` in `file`, or `nil` when that line is not in the file.
    ///
    /// The underline covers the range on its first line; a range that goes on to later
    /// lines is underlined from its start to the end of the first line.
    init?(range: SourceRange, in file: SourceFile) {
        guard range.start.line >= 1, range.start.line <= file.lineStarts.count else { return nil }
        let scalars = Array(file.text(ofLine: range.start.line).unicodeScalars)
        let startIndex = min(max(range.start.column - 1, 0), scalars.count)
        let endIndex = range.end.line == range.start.line
            ? min(max(range.end.column - 1, startIndex), scalars.count)
            : scalars.count

        var text = String.UnicodeScalarView()
        var underlineStart = 0
        var underlineWidth = 0
        for (index, scalar) in scalars.enumerated() {
            let width = Self.cells(of: scalar)
            if scalar == "\t" {
                text.append(contentsOf: repeatElement(" ", count: width))
            } else {
                text.append(scalar)
            }
            if index < startIndex {
                underlineStart += width
            } else if index < endIndex {
                underlineWidth += width
            }
        }
        self.line = range.start.line
        self.text = String(text)
        self.underlineStart = underlineStart
        self.underlineWidth = max(1, underlineWidth)
    }

    /// The underline drawn with `marker`, indented to sit under the range.
    func underline(_ marker: Character) -> (indent: String, marks: String) {
        (String(repeating: " ", count: underlineStart), String(repeating: marker, count: underlineWidth))
    }

    /// How many terminal cells `scalar` takes when shown.
    static func cells(of scalar: Unicode.Scalar) -> Int {
        if scalar == "\t" { return tabWidth }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation || isEastAsianWide(scalar.value) { return 2 }
        return 1
    }

    /// Whether `value` is in the main East Asian Wide and Fullwidth blocks.
    private static func isEastAsianWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F,  // Hangul Jamo initial consonants
             0x2E80...0x303E,  // CJK radicals, Kangxi, CJK symbols and punctuation
             0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, CJK compatibility
             0x3400...0x4DBF,  // CJK extension A
             0x4E00...0x9FFF,  // CJK unified ideographs
             0xA000...0xA4CF,  // Yi
             0xAC00...0xD7A3,  // Hangul syllables
             0xF900...0xFAFF,  // CJK compatibility ideographs
             0xFE30...0xFE4F,  // CJK compatibility forms
             0xFF00...0xFF60,  // Fullwidth forms
             0xFFE0...0xFFE6,  // Fullwidth signs
             0x20000...0x2FFFD, 0x30000...0x3FFFD:  // CJK extensions B and later
            true
        default:
            false
        }
    }
}
