/// A scenario file read with its imports merged and checked against its schema.
public struct LoadedScenario: Sendable {
    /// The merged top-level mapping; every node keeps the location of the file it came from.
    public var root: YAMLNode
    /// Problems that did not stop the load, such as deprecated keys.
    public var warnings: [ScenarioDiagnostic]
    /// Every file read: the one asked for first, then imports in the order they were read.
    public var files: [String]
}

/// Reads `path`, merges its imports, and validates the result against `schema` (when given).
///
/// A top-level `import:` names a file, or a sequence of files, relative to the importing file.
/// Imports load first, in order, and the importing file is merged over them: mappings merge key
/// by key, recursively, and the importer wins; sequences and scalars are replaced whole. Import
/// cycles and chains deeper than `limits.maximumImportDepth` are errors. Every problem found in
/// every file is thrown together, in report order.
public func loadScenario(
    _ path: String, schema: Schema?, loader: SourceLoader = .fileSystem, limits: ParseLimits = ParseLimits()
) throws(ScenarioErrors) -> LoadedScenario {
    var reader = ImportReader(loader: loader, limits: limits, topLevelKeys: schema?.topLevelKeys ?? [])
    let root = reader.load(normalizedPath(path), chain: [], requestedAt: nil)
    guard let root, reader.diagnostics.isEmpty else { throw ScenarioErrors(reader.diagnostics) }
    let problems = schema.map { validate(root, against: $0) } ?? []
    if problems.contains(where: { $0.severity == .error }) { throw ScenarioErrors(problems) }
    return LoadedScenario(root: root, warnings: problems.sorted(), files: reader.files)
}

/// Merges `override` over `base`: mappings key by key (recursively, `override` winning and new
/// keys appended in its order); anything else is replaced by `override`.
func merged(_ base: YAMLNode, _ override: YAMLNode) -> YAMLNode {
    guard case .mapping(var entries) = base.content, case .mapping(let overrides) = override.content else { return override }
    for entry in overrides {
        if let index = entries.firstIndex(where: { $0.key == entry.key }) {
            entries[index] = YAMLEntry(key: entry.key, keyLocation: entry.keyLocation, value: merged(entries[index].value, entry.value))
        } else {
            entries.append(entry)
        }
    }
    return YAMLNode(.mapping(entries), location: override.location, path: override.path)
}

/// Loads files and their imports depth first, collecting every problem.
private struct ImportReader {
    let loader: SourceLoader
    let limits: ParseLimits
    let topLevelKeys: [String]
    var files: [String] = []
    var diagnostics: [ScenarioDiagnostic] = []

    init(loader: SourceLoader, limits: ParseLimits, topLevelKeys: [String]) {
        self.loader = loader
        self.limits = limits
        self.topLevelKeys = topLevelKeys
    }

    /// The file at `path` merged over its imports, or nil after recording why not. `chain` holds
    /// the importing files, outermost first; `requestedAt` is the import entry that named this file.
    mutating func load(_ path: String, chain: [String], requestedAt request: YAMLNode?) -> YAMLNode? {
        func fail(_ message: String) -> YAMLNode? {
            let diagnostic = request.map { ScenarioDiagnostic.error(at: $0, message, value: path) }
                ?? ScenarioDiagnostic(.error, at: .start(of: path), message, value: path)
            diagnostics.append(diagnostic)
            return nil
        }
        if chain.contains(path) {
            return fail("import cycle: " + (chain + [path]).joined(separator: " -> "))
        }
        if chain.count > limits.maximumImportDepth {
            return fail("imports nest deeper than the limit of \(limits.maximumImportDepth) files: "
                        + (chain + [path]).joined(separator: " -> "))
        }
        guard let bytes = loader.read(path) else {
            return fail(request == nil ? "cannot read '\(path)'" : "cannot read imported file '\(path)'")
        }
        if !files.contains(path) { files.append(path) }
        let root: YAMLNode
        do {
            root = try YAMLNode.parse(bytes: bytes, file: path, topLevelKeys: chain.isEmpty ? topLevelKeys : [], limits: limits)
        } catch {
            diagnostics += error.diagnostics
            return nil
        }
        guard var entries = root.entries, let importIndex = entries.firstIndex(where: { $0.key == "import" }) else { return root }
        let importNode = entries.remove(at: importIndex).value
        let own = YAMLNode(.mapping(entries), location: root.location, path: root.path)
        let requests: [YAMLNode]
        switch importNode.content {
        case .scalar(let text, _) where !importNode.isNull && !text.isEmpty:
            requests = [importNode]
        case .sequence(let items) where items.allSatisfy({ $0.scalarText?.isEmpty == false && !$0.isNull }):
            requests = items
        default:
            diagnostics.append(.error(
                at: importNode, "expected a file path or a sequence of file paths, found \(importNode.foundDescription)",
                expected: "a file path or a sequence of file paths"))
            return nil
        }
        var base: YAMLNode? = nil
        var complete = true
        for request in requests {
            let target = resolvedImportPath(request.stringValue, from: path)
            guard let imported = load(target, chain: chain + [path], requestedAt: request) else {
                complete = false
                continue
            }
            base = base.map { merged($0, imported) } ?? imported
        }
        guard complete else { return nil }
        return base.map { merged($0, own) } ?? own
    }
}

/// `target` relative to the directory of `importer`, unless absolute; then normalized.
public func resolvedImportPath(_ target: String, from importer: String) -> String {
    if target.hasPrefix("/") { return normalizedPath(target) }
    guard let slash = importer.lastIndex(of: "/") else { return normalizedPath(target) }
    return normalizedPath(String(importer[...slash]) + target)
}

/// `path` with "." and "dir/.." steps and repeated slashes removed ("a/./b/../c" is "a/c").
func normalizedPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
        } else if part == "..", absolute {
            continue
        } else {
            parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
}
