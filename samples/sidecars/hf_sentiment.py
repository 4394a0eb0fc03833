#!/usr/bin/env python3
"""Serves a HuggingFace sentiment model to enrich over JSON lines (the `process` protocol).

    python3 hf_sentiment.py --model PATH_OR_ID [--device cpu|cuda|N] [--max-batch 32]

The bundled server behind `local_llm` agents. `--model` is a local directory holding the
model (config.json, weights, tokenizer files) or a HuggingFace id already in the local
cache: nothing is downloaded unless ENRICH_HF_ALLOW_DOWNLOAD=1, so a pipeline never
stalls on the network. If `transformers` (and a backend such as torch) or the model are
missing, it prints why on stderr and exits with status 2 before the ready line, and
enrich reports that as the agent's load error.

Protocol (see grammar/README.md, "Process agents"): after loading, one line
`{"ready": true, ...}`; then for each request line `{"id": N, "inputs": {"text": ...}}`
one answer line `{"id": N, "output": {"label": ..., "score": ...}}` or
`{"id": N, "error": "...", "retryable": false}`. Requests that arrive together are
scored as one batch; answers keep the request ids, so their order does not matter.
"""

import argparse
import json
import os
import queue
import sys
import threading

# Models such as cardiffnlp/twitter-roberta-base-sentiment name their classes LABEL_0..2.
THREE_CLASS_NAMES = ["negative", "neutral", "positive"]


def fail(message):
    print(f"hf_sentiment: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def load(model, device):
    local_only = os.environ.get("ENRICH_HF_ALLOW_DOWNLOAD") != "1"
    if local_only:
        # Tokenizer and model alike: read the local cache, never the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from transformers import pipeline  # noqa: PLC0415 (import here to report its absence clearly)
    except Exception as error:  # ImportError, or a backend failing to import
        fail(f"the `transformers` package cannot be imported ({error}); install it with "
             f"`pip install transformers torch`, or give the agent a `command:` of your own")
    try:
        kwargs = {"model": model, "tokenizer": model, "top_k": 1}
        if device is not None:
            kwargs["device"] = device
        if local_only:
            kwargs["model_kwargs"] = {"local_files_only": True}
        classifier = pipeline("text-classification", **kwargs)
    except Exception as error:
        where = "directory" if os.path.isdir(model) else "model"
        fail(f"cannot load the {where} `{model}` ({type(error).__name__}: {error}). Give `model:` a local "
             f"directory holding the model (config.json, weights, tokenizer files), or fetch it first "
             f"with `huggingface-cli download {model}` (or set ENRICH_HF_ALLOW_DOWNLOAD=1)")
    id2label = getattr(classifier.model.config, "id2label", {}) or {}
    return classifier, id2label


def label_name(raw, id2label):
    if raw.startswith("LABEL_") and len(id2label) == 3:
        index = int(raw[len("LABEL_"):])
        if 0 <= index < 3:
            return THREE_CLASS_NAMES[index]
    return raw.lower()


def main():
    parser = argparse.ArgumentParser(description="Serve a HuggingFace sentiment model over JSON lines.")
    parser.add_argument("--model", required=True, help="local model directory or cached HuggingFace id")
    parser.add_argument("--device", default=None, help="cpu, cuda, or a device index (default: transformers' choice)")
    parser.add_argument("--max-batch", type=int, default=32)
    args = parser.parse_args()
    device = int(args.device) if args.device is not None and args.device.isdigit() else args.device

    classifier, id2label = load(args.model, device)
    print(json.dumps({"ready": True, "model": args.model}), flush=True)

    requests = queue.Queue()

    def read_requests():
        for raw in sys.stdin:
            raw = raw.strip()
            if raw:
                requests.put(raw)
        requests.put(None)

    threading.Thread(target=read_requests, daemon=True).start()
    finished = False
    while not finished:
        batch = [requests.get()]
        while len(batch) < args.max_batch:
            try:
                batch.append(requests.get_nowait())
            except queue.Empty:
                break
        if None in batch:
            finished = True
            batch = [line for line in batch if line is not None]
        valid = []
        for raw in batch:
            try:
                request = json.loads(raw)
                request_id = request["id"]
            except (ValueError, KeyError, TypeError) as error:
                print(f"hf_sentiment: ignoring a request that is not `{{\"id\": N, \"inputs\": {{...}}}}`: {error}",
                      file=sys.stderr, flush=True)
                continue
            text = (request.get("inputs") or {}).get("text")
            if not isinstance(text, str):
                print(json.dumps({"id": request_id, "error": "input `text` must be a string", "retryable": False}), flush=True)
                continue
            valid.append((request_id, text))
        if not valid:
            continue
        try:
            results = classifier([text for _, text in valid], truncation=True)
        except Exception as error:
            for request_id, _ in valid:
                print(json.dumps({"id": request_id, "error": f"model failed: {error}", "retryable": True}), flush=True)
            continue
        lines = []
        for (request_id, _), result in zip(valid, results):
            best = result[0] if isinstance(result, list) else result
            output = {"label": label_name(best["label"], id2label), "score": float(best["score"])}
            lines.append(json.dumps({"id": request_id, "output": output}))
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
