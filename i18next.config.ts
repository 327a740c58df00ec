/**
 * i18next-cli configuration: which message ids `src/` uses.
 *
 * `npm run i18n:check` (scripts/i18n-check.mjs) runs this extractor in memory (`findKeys`, which
 * never writes a file) to learn every key the widget can ask for, then compares the locale files
 * with that list itself.
 *
 * Every key is written out whole in `src/`. i18next-cli finds `t('form.submit')`, `this.t(...)`,
 * `host._t(...)` and conditionals of literals by itself; it does not follow a key kept as data and
 * shown later with `t(error.key)` or `t(LABELS[channel])`. The small plugin below adds those two
 * shapes, and refuses a key built from a variable, so nothing reaches a locale file unseen:
 *
 * - a message id under a property, variable or type member named `key`: `{ key: 'validation.email' }`
 *   (validators, config problems, campaign-document errors, notices);
 * - a map of message ids, an object literal whose every value is one:
 *   `{ whatsapp: 'share.whatsapp', … } as const` (labels of fields and share channels);
 * - refused: `t()` of a template literal with a variable part, or of a `+` concatenation.
 */
import { defineConfig, type Plugin } from 'i18next-cli';

/** Looks like a message id (`section.name`), as opposed to a field key such as `firstName`. */
const MESSAGE_ID = /^[A-Za-z]\w*(\.\w+)+$/;

/** A node of the syntax tree i18next-cli parses with SWC; only the fields read here matter. */
type AstNode = { type: string; [field: string]: any };

/** The file of each key this plugin adds, so the check can say where a key comes from. */
export const keySources = new Map<string, string>();

/** The strings `node` can evaluate to, or undefined when it depends on a variable. */
function literalValues(node: AstNode | undefined | null): string[] | undefined {
  switch (node?.type) {
    case 'StringLiteral':
      return [node.value];
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return [String(node.value)];
    case 'ParenthesisExpression':
    case 'TsAsExpression':
    case 'TsConstAssertion':
    case 'TsSatisfiesExpression':
      return literalValues(node.expression);
    case 'TsLiteralType':
      return literalValues(node.literal);
    case 'TsUnionType': {
      const parts = node.types.map(literalValues);
      return parts.every(Boolean) ? parts.flat() : undefined;
    }
    case 'ConditionalExpression': {
      const [yes, no] = [literalValues(node.consequent), literalValues(node.alternate)];
      return yes && no ? [...yes, ...no] : undefined;
    }
    case 'TemplateLiteral':
      return node.expressions.reduce(
        (prefixes: string[] | undefined, expression: AstNode, index: number) => {
          const values = literalValues(expression);
          const after = node.quasis[index + 1]?.cooked ?? '';
          return prefixes && values && prefixes.flatMap((prefix) => values.map((value) => prefix + value + after));
        },
        [node.quasis[0]?.cooked ?? ''],
      );
    default:
      return undefined;
  }
}

/** `t(…)`, `this.t(…)`, `host._t(…)`: the calls `functions` below match. */
function isTranslateCall(node: AstNode): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  return (
    (callee.type === 'Identifier' && callee.value === 't') ||
    (callee.type === 'MemberExpression' && callee.property?.type === 'Identifier' && ['t', '_t'].includes(callee.property.value))
  );
}

/** The parts of a `t()` call's first argument that build a key from a variable, if any. */
function builtKeys(argument: AstNode | undefined): AstNode[] {
  if (argument?.type === 'ConditionalExpression') return [...builtKeys(argument.consequent), ...builtKeys(argument.alternate)];
  if (argument?.type === 'ParenthesisExpression') return builtKeys(argument.expression);
  const built = (argument?.type === 'TemplateLiteral' && !literalValues(argument)) || (argument?.type === 'BinaryExpression' && argument.operator === '+');
  return built ? [argument] : [];
}

/** `share.${channel}` → `share.${…}`; a concatenation as `… + …`. */
function shape(node: AstNode): string {
  return node.type === 'TemplateLiteral' ? node.quasis.map((quasi: AstNode) => quasi.cooked ?? quasi.raw).join('${…}') : '… + …';
}

/** The message ids `node` gives to something named `key` (property, variable, or type), or lists as a map of message ids. */
function messageIds(node: AstNode): string[] {
  const named = (id: AstNode | undefined) =>
    (id?.type === 'Identifier' || id?.type === 'StringLiteral') && id.value === 'key';
  let values: string[] | undefined;
  if (node.type === 'KeyValueProperty' && named(node.key)) values = literalValues(node.value);
  else if (node.type === 'VariableDeclarator' && named(node.id)) values = literalValues(node.init);
  else if (node.type === 'AssignmentExpression' && named(node.left)) values = literalValues(node.right);
  else if (node.type === 'TsPropertySignature' && named(node.key)) values = literalValues(node.typeAnnotation?.typeAnnotation);
  else if (node.type === 'ObjectExpression' && node.properties.length) {
    // Only when every value is a message id: an object that merely holds one among other strings is not a map of them.
    const all = node.properties.map((property: AstNode) =>
      property.type === 'KeyValueProperty' && property.value.type === 'StringLiteral' ? property.value.value : undefined,
    );
    if (all.every((value: string | undefined) => value && MESSAGE_ID.test(value))) return all;
  }
  return (values ?? []).filter((value) => MESSAGE_ID.test(value));
}

/** Adds the keys i18next-cli cannot see by itself (see the comment at the top). */
function widgetKeys(): Plugin {
  let file = '';
  const refused: string[] = [];
  return {
    name: 'appeal-widget-keys',
    setup() {
      keySources.clear();
      refused.length = 0;
    },
    onLoad(code: string, path: string) {
      file = path; // files are read one after another, so this names the file being visited
      return code;
    },
    onVisitNode(node: unknown, context: { addKey(key: { key: string; ns: string; defaultValue: string }): void }) {
      const add = (key: string) => {
        if (!keySources.has(key)) keySources.set(key, file);
        context.addKey({ key, ns: 'translation', defaultValue: key });
      };
      const ast = node as AstNode;
      messageIds(ast).forEach(add);
      if (!isTranslateCall(ast)) return;
      for (const built of builtKeys(ast.arguments?.[0]?.expression)) {
        refused.push(`${file} builds a key from a variable, \`${shape(built)}\`: write each key out whole (a map of message ids is fine, see i18next.config.ts), so the check can see it.`);
      }
    },
    onEnd() {
      // Throwing rather than warning: a key the check cannot see is a key it cannot vouch for.
      if (refused.length) throw Object.assign(new Error(refused.join('\n')), { problems: [...refused] });
    },
  };
}

export default defineConfig({
  locales: ['en'],
  extract: {
    input: ['src/**/*.ts'],
    ignore: ['src/**/*.d.ts'],
    // Deliberately not locales/: i18next-cli 1.5 expects one file per namespace, or wraps a
    // merged file in {"translation": {…}}, so `npx i18next-cli extract` aimed at locales/ would
    // rewrite every translation in a shape the widget cannot read. Here it only leaves a scratch copy.
    output: 'node_modules/.cache/i18next-cli/{{language}}/{{namespace}}.json',
    primaryLanguage: 'en',
    // `host._t(…)`: the step modules translate through the widget (src/steps/step-host.ts).
    functions: ['t', '*.t', '*._t'],
    transComponents: [],
    sort: false,
  },
  plugins: [widgetKeys()],
});
