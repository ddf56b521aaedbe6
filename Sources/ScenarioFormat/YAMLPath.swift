/// Where a node sits in its document, from the root: keys and sequence indices.
///
/// Renders like `site.halls[0].racks.count`; the root renders as the empty string. A key that
/// is not a plain identifier (letters, digits, `_`, `-`) renders quoted: `labels["a.b"]`.
public struct YAMLPath: Hashable, Sendable, CustomStringConvertible {
    /// One step down from a node.
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public static let root = YAMLPath()

    public var isRoot: Bool { components.isEmpty }

    public func appending(key: String) -> YAMLPath { YAMLPath(components + [.key(key)]) }
    public func appending(index: Int) -> YAMLPath { YAMLPath(components + [.index(index)]) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where isPlainKey(key):
                text += text.isEmpty ? key : "." + key
            case .key(let key):
                text += "[\"" + key.replacingQuotesAndBackslashes() + "\"]"
            }
        }
        return text
    }
}

private func isPlainKey(_ key: String) -> Bool {
    !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}

extension String {
    fileprivate func replacingQuotesAndBackslashes() -> String {
        var result = ""
        for character in self {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
