/// A place in a scenario file: the file's path as given, and a 1-based line and column.
///
/// Columns count Unicode scalars, as libyaml does. Locations order by file, then line, then
/// column, which is the order diagnostics are reported in.
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The start of `file`, for problems with the file as a whole.
    public static func start(of file: String) -> SourceLocation { SourceLocation(file: file, line: 1, column: 1) }

    /// `file:line:column`, the form compilers and editors recognise.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}
