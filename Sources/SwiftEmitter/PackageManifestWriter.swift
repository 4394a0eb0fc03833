/// The generated package's `Package.swift`: one executable depending on the runtime library.
struct PackageManifestWriter {
    let names: EmittedNames
    let header: String
    let runtime: SwiftPackageEmitter.RuntimeDependency

    func manifest() -> String {
        var code = SwiftCode()
        code.line("// swift-tools-version:6.1")
        code.line(header)
        code.line()
        code.line("import PackageDescription")
        code.line()
        code.line("let package = Package(")
        code.indented { code in
            code.line("name: \(SwiftSyntax.stringLiteral(names.productName)),")
            code.line("platforms: [.macOS(.v15)],")
            code.line("products: [")
            code.indented { $0.line(".executable(name: \(SwiftSyntax.stringLiteral(names.productName)), targets: [\(SwiftSyntax.stringLiteral(names.targetName))]),") }
            code.line("],")
            code.line("dependencies: [")
            code.indented { code in
                switch runtime {
                case .path(let path): code.line(".package(path: \(SwiftSyntax.stringLiteral(path))),")
                case .url(let url, let version): code.line(".package(url: \(SwiftSyntax.stringLiteral(url)), exact: \(SwiftSyntax.stringLiteral(version))),")
                }
            }
            code.line("],")
            code.line("targets: [")
            code.indented { code in
                code.line(".executableTarget(")
                code.indented { code in
                    code.line("name: \(SwiftSyntax.stringLiteral(names.targetName)),")
                    code.line("dependencies: [.product(name: \"EnrichRunDriver\", package: \(SwiftSyntax.stringLiteral(runtime.packageIdentity)))]")
                }
                code.line("),")
            }
            code.line("],")
            code.line("swiftLanguageModes: [.v6]")
        }
        code.line(")")
        return code.text
    }
}
