import EventJSON
import Foundation
import Runtime
import Testing

@testable import ProcessAgents

/// samples/sidecars/hf_sentiment.py, the bundled `local_llm` server, run for real over a
/// stand-in `transformers` module (the real one and a model are not installed here): this
/// proves the server's protocol, batching, label names and load errors, not the model.
@Suite("bundled model server (hf_sentiment.py)", .timeLimit(.minutes(1)))
struct ModelServerTests {
    static let fakeTransformers = """
        import os

        class _Config:
            id2label = {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}

        class _Model:
            config = _Config()

        class _Pipeline:
            model = _Model()

            def __call__(self, texts, truncation=True):
                assert isinstance(texts, list) and truncation
                labels = ["LABEL_2" if "good" in t else "LABEL_0" if "bad" in t else "LABEL_1" for t in texts]
                return [[{"label": label, "score": 0.75}] for label in labels]

        def pipeline(task, model=None, tokenizer=None, top_k=None, device=None, model_kwargs=None):
            if task != "text-classification" or tokenizer != model or top_k != 1:
                raise ValueError("unexpected arguments")
            if (model_kwargs or {}).get("local_files_only") is not True:
                raise RuntimeError("would download from the network")
            if not os.path.isdir(model):
                raise OSError(f"{model} is not a local folder")
            return _Pipeline()
        """

    /// A directory holding the stand-in `transformers.py`, and one standing for a model.
    static func directories() throws -> (modules: String, model: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-hf-\(UUID().uuidString)")
        let modules = root.appendingPathComponent("modules")
        let model = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: modules, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data(fakeTransformers.utf8).write(to: modules.appendingPathComponent("transformers.py"))
        return (modules.path, model.path)
    }

    static func settings(model: String, modules: String) -> ProcessAgentSettings {
        let script = StandIn.packageRoot.appendingPathComponent("samples/sidecars/hf_sentiment.py").path
        var settings = StandIn.settings()
        settings.command = ["python3", script, "--model", model]
        settings.environment = ["PYTHONPATH": modules]
        return settings
    }

    @Test func itServesLabelsNamedByTheThreeClassConventionForRequestsInFlightTogether() async throws {
        let (modules, model) = try Self.directories()
        let agent = ProcessAgent(settings: Self.settings(model: model, modules: modules))
        try await agent.start()
        let texts = (0..<24).map { ["a good day", "a bad day", "a day"][$0 % 3] + " \($0)" }
        let results = await withTaskGroup(of: (Int, Result<JSONValue, AgentCallFailure>).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, await call(agent, JSONObject([("text", .string(text))]))) }
            }
            var results: [Int: Result<JSONValue, AgentCallFailure>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        for index in texts.indices {
            let value = try #require(results[index]?.success)
            #expect(value == .object(JSONObject([("label", .string(["positive", "negative", "neutral"][index % 3])), ("score", .double(0.75))])))
        }
        let failure = await call(agent, JSONObject([("text", .null)])).failure
        #expect(failure == AgentCallFailure("input `text` must be a string", retryable: false))
        await agent.shutdown()
    }

    @Test func aModelThatCannotBeLoadedIsALoadErrorSayingWhatToDo() async throws {
        let (modules, _) = try Self.directories()
        let agent = ProcessAgent(settings: Self.settings(model: "/nonexistent/roberta", modules: modules))
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("the process exited before writing its ready line (exit status 2); its last error output: hf_sentiment: cannot load the model `/nonexistent/roberta` (OSError: /nonexistent/roberta is not a local folder)."))
        #expect(message.contains("huggingface-cli download /nonexistent/roberta"))
        await agent.shutdown()
    }

    @Test func withoutTransformersItSaysHowToInstallIt() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-hf-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        var settings = Self.settings(model: empty.path, modules: empty.path)
        // Hide any installed transformers: only the standard library is importable.
        settings.command.insert("-S", at: 1)
        settings.command.insert("-s", at: 1)
        let agent = ProcessAgent(settings: settings)
        let error = await #expect(throws: ProcessAgentError.self) { try await agent.start() }
        #expect(error?.message.contains("hf_sentiment: the `transformers` package cannot be imported") == true)
        #expect(error?.message.contains("pip install transformers torch") == true)
        await agent.shutdown()
    }
}
