"""Rebuild the static sentence embeddings `models/minilm_static/`: see `newsaudit.training.embeddings`."""

try:
    from newsaudit.training.embeddings import main
except ImportError:
    # The throwaway build environment of that docstring has neither newsaudit nor its dependencies: load the
    # module's file on its own (it imports nothing from newsaudit).
    import importlib.util
    from pathlib import Path

    _path = Path(__file__).resolve().parent.parent / "src" / "newsaudit" / "training" / "embeddings.py"
    _spec = importlib.util.spec_from_file_location("newsaudit_training_embeddings", _path)
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    main = _module.main

if __name__ == "__main__":
    main()
