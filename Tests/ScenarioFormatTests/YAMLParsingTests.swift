import ScenarioFormat
import Testing

@Suite("Parsing YAML")
struct YAMLParsingTests {
    @Test("Mappings keep their keys in document order, and every node its line, column and path")
    func locationsAndOrder() throws {
        let root = try parsed("""
            site:
              zeta: 1
              alpha: 2
              halls:
                - name: h1
                  racks: {count: 40}
            """)
        let site = try #require(root["site"])
        #expect(site.entries?.map(\.key) == ["zeta", "alpha", "halls"])
        let count = try #require(site["halls"]?.items?[0]["racks"]?["count"])
        #expect(count.location == SourceLocation(file: "s.yaml", line: 6, column: 22))
        #expect(count.path.description == "site.halls[0].racks.count")
        #expect(count.scalarText == "40")
        let alpha = try #require(site.entries?[1])
        #expect(alpha.keyLocation == SourceLocation(file: "s.yaml", line: 3, column: 3))
        #expect(alpha.value.location == SourceLocation(file: "s.yaml", line: 3, column: 10))
    }

    @Test("Quoted and block scalars are marked quoted; plain ones plain")
    func scalarStyles() throws {
        let root = try parsed("a: 12\nb: '12'\nc: \"x\"\nd: |\n  text\n")
        #expect(root["a"]?.content == .scalar("12", .plain))
        #expect(root["b"]?.content == .scalar("12", .quoted))
        #expect(root["c"]?.content == .scalar("x", .quoted))
        #expect(root["d"]?.content == .scalar("text\n", .quoted))
    }

    @Test("Paths quote keys that are not plain identifiers")
    func pathRendering() {
        let path = YAMLPath.root.appending(key: "labels").appending(key: "a.b").appending(index: 2).appending(key: "x-y_z")
        #expect(path.description == #"labels["a.b"][2].x-y_z"#)
        #expect(YAMLPath.root.description == "")
    }

    @Test("A YAML syntax error becomes one diagnostic at libyaml's line and column")
    func syntaxError() {
        #expect(parseProblems("a: 1\nb: [1, 2\nc: 3\n") == [
            "s.yaml:3:2: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 4)",
        ])
        #expect(parseProblems("a: b: c\n") == ["s.yaml:1:5: error: invalid YAML: mapping values are not allowed in this context"])
    }

    @Test("A tab used for indentation is a syntax error at the tab")
    func tabIndentation() {
        #expect(parseProblems("a:\n\tb: 1\n") == [
            "s.yaml:2:1: error: invalid YAML: found character that cannot start any token (while scanning for the next token at line 2, column 1)",
        ])
    }

    @Test("An empty file, or one with only comments, is refused naming the expected keys")
    func emptyFile() {
        #expect(parseProblems("") == ["s.yaml:1:1: error: file is empty; expected a mapping"])
        #expect(parseProblems("# nothing yet\n\n") == ["s.yaml:1:1: error: file is empty; expected a mapping"])
        do {
            _ = try YAMLNode.parse("", file: "x.yaml", topLevelKeys: ["site", "workloads"])
            Issue.record("parsed an empty file")
        } catch {
            #expect(error.description == "x.yaml:1:1: error: file is empty; expected a mapping with keys 'site', 'workloads'")
        }
    }

    @Test("A top level that is not a mapping is refused")
    func topLevelNotMapping() {
        #expect(parseProblems("- 1\n- 2\n") == ["s.yaml:1:1: error: the top level is a sequence; expected a mapping"])
        #expect(parseProblems("hello\n") == ["s.yaml:1:1: error: the top level is 'hello'; expected a mapping"])
    }

    @Test("Binary garbage is refused with the offending byte, without crashing")
    func binaryGarbage() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x00, 0x41, 0x00, 0x3A, 0x80, 0xC3]
        do {
            _ = try YAMLNode.parse(bytes: bytes, file: "bin.yaml")
            Issue.record("parsed binary garbage")
        } catch {
            #expect(error.description == "bin.yaml:1:1: error: invalid UTF-8 (byte 0xFF); scenario files must be UTF-8 text")
        }
    }

    @Test("Invalid UTF-8 later in a file is located at its line and column")
    func invalidUTF8Location() {
        let bytes = Array("a: 1\nbé: x".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        do {
            _ = try YAMLNode.parse(bytes: bytes, file: "u.yaml")
            Issue.record("parsed invalid UTF-8")
        } catch {
            #expect(error.description == "u.yaml:2:6: error: invalid UTF-8 (byte 0xC3); scenario files must be UTF-8 text")
        }
    }

    @Test("A control character in valid UTF-8 is refused by libyaml's reader, located")
    func controlCharacter() {
        #expect(parseProblems("a: 1\nb: x\u{0}y\n") == ["s.yaml:2:5: error: invalid YAML: control characters are not allowed (U+0000)"])
    }

    @Test("A duplicate key is an error at the second occurrence, naming the first")
    func duplicateKey() {
        #expect(parseProblems("a: 1\nb: 2\na: 3\n") == ["s.yaml:3:1: error: duplicate key 'a' (first at line 1, column 1)"])
        #expect(parseProblems("site:\n  x: 1\n  y: 2\n  x: 3\n") == ["s.yaml:4:3: error: duplicate key 'x' (first at line 2, column 3)"])
        #expect(parseProblems("m: {a: 1, b: 2, a: 3}\n") == ["s.yaml:1:5: error: key 'a' appears more than once in this mapping"])
        #expect(parseProblems("k:\n          a: 1\n          b:\n            - x\n          a: 2\n") == [
            "s.yaml:5:11: error: duplicate key 'a' (first at line 2, column 11)",
        ])
        #expect(parseProblems("k: {x: 1,\n a: 1,\n\n a: 2}\n") == ["s.yaml:4:2: error: duplicate key 'a' (first at line 2, column 2)"])
        // Plain 1 and quoted '1' differ to YAML but are the same key here.
        #expect(parseProblems("m:\n  1: a\n  '1': b\n") == ["s.yaml:3:3: error: m.1: duplicate key '1' (first at line 2, column 3)"])
    }

    @Test("A second YAML document in one file is refused")
    func secondDocument() {
        #expect(parseProblems("a: 1\n---\nb: 2\n") == ["s.yaml:2:1: error: found a second YAML document; a scenario file holds one"])
    }

    @Test("Anchors, aliases and merge keys work; explicit keys win over merged ones")
    func anchorsAndMerges() throws {
        let root = try parsed("""
            defaults: &d {power: 44 kW, cooling: air}
            rack:
              <<: *d
              cooling: liquid
              name: r1
            list: [*d]
            """)
        let rack = try #require(root["rack"])
        #expect(rack.entries?.map(\.key) == ["power", "cooling", "name"])
        #expect(rack["cooling"]?.scalarText == "liquid")
        #expect(rack["power"]?.path.description == "rack.power")
        #expect(root["list"]?.items?[0]["power"]?.scalarText == "44 kW")
    }

    @Test("Nesting deeper than the limit is refused, naming the limit")
    func depthLimit() {
        let deep = "a: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n"
        let path = "a" + String(repeating: "[0]", count: 63)
        #expect(parseProblems(deep) == ["s.yaml:1:67: error: \(path): nesting is deeper than the limit of 64 levels"])
        let veryDeep = "a: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        let justUnderEstimate = "a: " + String(repeating: "[", count: 399) + String(repeating: "]", count: 399) + "\n"
        #expect(parseProblems(justUnderEstimate) == ["s.yaml:1:67: error: \(path): nesting is deeper than the limit of 64 levels"])
        #expect(parseProblems(veryDeep) == ["s.yaml:1:1: error: indentation or brackets nest deeper than 400 levels; the limit is 64 levels"])
    }

    @Test("A file larger than the size limit is refused, naming the limit")
    func sizeLimit() {
        let limits = ParseLimits(maximumBytes: 1_024)
        #expect(parseProblems("a: " + String(repeating: "x", count: 2_000), limits: limits)
            == ["s.yaml:1:1: error: file is 2003 bytes, more than the limit of 1 KiB"])
    }

    @Test("An alias bomb stops at the node limit")
    func aliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        #expect(parseProblems(text, limits: ParseLimits(maximumNodes: 5_000))
            == ["s.yaml:1:34: error: a3[3][3][8][8]: the document has more than the limit of 5000 nodes after expanding aliases"])
    }

    @Test("A mapping key that is itself a mapping is refused")
    func complexKey() {
        #expect(parseProblems("? {a: 1}\n: x\n") == ["s.yaml:1:3: error: a mapping key must be text, found a mapping"])
    }
}
