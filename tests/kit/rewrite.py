"""Mechanically different code with the same behaviour: a function's source rewritten on its syntax tree.

Used to show that a diagnosis recognises a mistake's behaviour, not its text: the locals are renamed,
each ``return e`` goes through a variable, ``e ** 2`` becomes ``e * e``, a number times an expression
becomes the expression times the number, and ``a - b`` becomes ``a + -(b)`` where both sides are
arithmetic.
"""

import ast


class _Rewrite(ast.NodeTransformer):
    def __init__(self, renamed: dict[str, str]):
        self.renamed = renamed
        self.returns = 0

    def visit_Name(self, node):
        if node.id in self.renamed:
            node.id = self.renamed[node.id]
        return node

    def visit_arg(self, node):  # a nested lambda or function's own parameter of a renamed name
        if node.arg in self.renamed:
            node.arg = self.renamed[node.arg]
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and node.right.value == 2:
            if isinstance(node.left, ast.Name):
                return ast.BinOp(ast.Name(node.left.id, ast.Load()), ast.Mult(), ast.Name(node.left.id, ast.Load()))
        if isinstance(node.op, ast.Mult) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, (int, float)) and not isinstance(node.left.value, bool):
            return ast.BinOp(node.right, ast.Mult(), node.left)
        return node

    def visit_Return(self, node):
        self.generic_visit(node)
        if node.value is None:
            return node
        self.returns += 1
        name = f"answer_{self.returns}"
        return [ast.Assign([ast.Name(name, ast.Store())], node.value), ast.Return(ast.Name(name, ast.Load()))]


def rewritten(source: str) -> str:
    """``source`` (one function) with the same behaviour in other code."""
    tree = ast.parse(source)
    (function,) = tree.body
    parameters = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    declared = {n for node in ast.walk(function) if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
    stored = {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    in_classes = {node.id for cls in ast.walk(function) if isinstance(cls, ast.ClassDef)  # a class's attributes
                  for statement in cls.body for node in ast.walk(statement) if isinstance(node, ast.Name)}
    renamed = {name: f"my_{name}_value" for name in stored - parameters - declared - in_classes
               if not name.startswith("__")}
    function.body = [_Rewrite(renamed).visit(statement) for statement in function.body]
    function.body = [s for item in function.body for s in (item if isinstance(item, list) else [item])]
    ast.fix_missing_locations(tree)
    text = ast.unparse(tree) + "\n"
    if text.strip() == source.strip():
        raise ValueError("the rewrite changed nothing")
    return text
