"""kfp.dsl names a lightweight component's module header imports (kfp 2.5.0 kfp/dsl/__init__.py)."""


class _Annotation:
    def __init__(self, *args, **kwargs):
        self.args = args

    def __class_getitem__(cls, item):
        return cls


class Artifact:
    pass


class Dataset(Artifact):
    pass


class Model(Artifact):
    pass


class Metrics(Artifact):
    pass


class Input(_Annotation):
    pass


class Output(_Annotation):
    pass


class InputPath(_Annotation):
    pass


class OutputPath(_Annotation):
    pass


def component(func=None, **kwargs):
    return func if func is not None else (lambda f: f)


def pipeline(func=None, **kwargs):
    return func if func is not None else (lambda f: f)


__all__ = ["Artifact", "Dataset", "Model", "Metrics", "Input", "Output", "InputPath", "OutputPath", "component", "pipeline"]
