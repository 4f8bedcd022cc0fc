"""A Python kernel for the twin's workbench: one process per notebook run, one namespace for all
cells (as ipykernel keeps it), top-level await allowed (IPython's autoawait), the value of a cell's
last expression returned as its result. Requests and answers are JSON lines on stdin/stdout; what
a cell prints is captured into its answer."""
import ast
import asyncio
import contextlib
import io
import json
import sys
import traceback

# The kernel's own directory is not the user's path (ipykernel's is the notebook's directory).
sys.path.pop(0)
sys.path.insert(0, "")
_out = sys.stdout
namespace = {"__name__": "__main__"}
loop = asyncio.new_event_loop()


def run_cell(code):
    tree = ast.parse(code, "<cell>", "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    for node, mode in ((ast.Module(tree.body, type_ignores=[]), "exec"), (last, "eval")):
        if node is None:
            continue
        compiled = compile(node, "<cell>", mode, flags=flags)
        value = eval(compiled, namespace)
        if asyncio.iscoroutine(value):
            value = loop.run_until_complete(value)
        if mode == "eval":
            return value
    return None


for line in sys.stdin:
    request = json.loads(line)
    stdout, stderr = io.StringIO(), io.StringIO()
    answer = {}
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            value = run_cell(request["code"])
            if value is not None:
                answer["result"] = repr(value)
        except BaseException as e:  # noqa: B902 - a cell's exception of any kind is its answer
            tb = e.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != "<cell>":
                tb = tb.tb_next
            answer["error"] = {
                "ename": type(e).__name__,
                "evalue": str(e),
                "traceback": traceback.format_exception(type(e), e, tb or e.__traceback__),
            }
    answer["stdout"] = stdout.getvalue()
    answer["stderr"] = stderr.getvalue()
    _out.write(json.dumps(answer) + "\n")
    _out.flush()
