// Expression: the public face of the definition language. Parsing lives in
// expr_syntax.cc, type checking in expr_compile.cc, the field table in
// expr_fields.cc and evaluation in expr_eval.cc.
#include "definition/expr.h"

#include "definition/expr_program.h"
#include "definition/expr_syntax.h"

namespace leadloop {

std::variant<Expression, ExprError> Expression::compile(std::string_view text, SourcePos origin,
                                                         PatternBudget* budget) {
  PatternBudget own;
  std::variant<expr::Syntax, expr::ParseError> parsed = expr::parse_condition(text);
  if (const auto* e = std::get_if<expr::ParseError>(&parsed)) {
    return ExprError{expr::position_of(text, e->offset, origin), e->message};
  }
  auto program = std::make_shared<Program>();
  program->source = std::string(expr::trim_spaces(text));
  if (auto e = expr::compile_program(std::get<expr::Syntax>(parsed), text, budget ? budget : &own, program.get())) {
    return ExprError{expr::position_of(text, e->offset, origin), e->message};
  }
  return Expression(std::move(program));
}

bool Expression::matches(const LeadContext& ctx) const { return expr::evaluate(*program_, ctx); }

std::string Expression::describe_inputs(const LeadContext& ctx) const {
  return expr::describe(*program_, ctx);
}

size_t Expression::cost() const {
  return program_->nodes.size() + program_->patterns.size() * kPatternCost;
}

const std::string& Expression::source() const { return program_->source; }

const std::vector<std::string>& Expression::inputs() const { return program_->inputs; }

}  // namespace leadloop
