// The policy language. One file is one module.
//
// The parse tree is never evaluated: engine's `syntax` package turns it into immutable AST records,
// and everything after that (checker, compiler, runtime) works on those.
grammar Policy;

// ---------------------------------------------------------------- module structure

module
    : packageDecl? importDecl* declaration* EOF
    ;

packageDecl
    : PACKAGE qualifiedName
    ;

importDecl
    : IMPORT qualifiedName (AS name)?
    ;

qualifiedName
    : name ('.' name)*
    ;

declaration
    : constDecl
    | paramDecl
    | funcDecl
    | ruleDecl
    | testDecl
    ;

constDecl
    : CONST name '=' expr
    ;

// A constant that users may override in their configuration (trusted registries, allowed capabilities...).
paramDecl
    : PARAM name '=' expr
    ;

funcDecl
    : FUNC name '(' (param (',' param)*)? ')' '=' expr
    ;

param
    : name
    ;

// ---------------------------------------------------------------- rules

ruleDecl
    : RULE ruleId string '{' ruleItem* '}'
    ;

// Rule ids are written bare (ESC-001, K8S-RBAC-2); the AST builder checks that the tokens touch.
ruleId
    : name (MINUS (name | INT))*
    ;

ruleItem
    : SEVERITY name                                   # severityItem
    | THREAT hyphenName                               # threatItem
    | REFS string (',' string)*                       # refsItem
    | REMEDIATION string                              # remediationItem
    | DESCRIPTION string                              # descriptionItem
    | TAGS string (',' string)*                       # tagsItem
    | ON selector (',' selector)*                     # onItem
    | FOR name IN expr                                # forItem
    | LET name '=' expr                               # letItem
    | WHERE expr                                      # whereItem
    | REPORT string (AT expr)? (WHEN expr)?           # reportItem
    ;

// An input kind, optionally narrowed to resource kinds: `kubernetes(Pod, Deployment)`.
selector
    : name ('(' hyphenName (',' hyphenName)* ')')?
    ;

hyphenName
    : name (MINUS name)*
    ;

// ---------------------------------------------------------------- tests

testDecl
    : TEST string '{' testItem* '}'
    ;

testItem
    : GIVEN name (string | FILE string)               # givenItem
    | EXPECT NO? ruleId (AT LINE INT (COLUMN INT)?)?   # expectItem
    | EXPECT INT FINDINGS                             # expectCountItem
    ;

// ---------------------------------------------------------------- expressions

expr
    : IF expr THEN expr ELSE expr                                  # conditionalExpr
    | LET name '=' expr IN expr                                    # letExpr
    | quantifier name IN expr ':' expr                             # quantifierExpr
    | orExpr                                                       # plainExpr
    ;

quantifier
    : ANY | ALL | NONE | COUNT
    ;

orExpr
    : andExpr (OR andExpr)*
    ;

andExpr
    : notExpr (AND notExpr)*
    ;

notExpr
    : NOT notExpr
    | comparison
    ;

comparison
    : additive (compareOp additive)?
    ;

compareOp
    : '==' | '!=' | '<' | '<=' | '>' | '>=' | IN | NOT IN
    ;

additive
    : multiplicative ((PLUS | MINUS) multiplicative)*
    ;

multiplicative
    : unary (('*' | '/' | '%') unary)*
    ;

unary
    : MINUS unary
    | postfix
    ;

postfix
    : primary postfixOp*
    ;

postfixOp
    : '.' memberName '(' args? ')'     # methodCall
    | '.' memberName                   # fieldAccess
    | '[' expr ']'                     # indexAccess
    ;

// After a dot every word is a field: inputs have fields named like keywords (a Kubernetes Event's count).
memberName
    : name
    | PACKAGE | IMPORT | CONST | FUNC | RULE | FOR | LET | WHERE | IF | THEN | ELSE | IN | ANY | ALL | NONE | COUNT
    | AND | OR | NOT | TRUE | FALSE | NULL
    ;

primary
    : literal                                                   # literalPrimary
    | name '(' args? ')'                                        # callPrimary
    | name                                                      # namePrimary
    | '(' expr ')'                                              # parenPrimary
    | '[' expr FOR name IN expr (IF expr)? ']'                  # comprehensionPrimary
    | '[' (expr (',' expr)* ','?)? ']'                          # listPrimary
    | '{' (mapEntry (',' mapEntry)* ','?)? '}'                  # mapPrimary
    ;

args
    : expr (',' expr)*
    ;

mapEntry
    : (name | string) ':' expr
    ;

literal
    : INT
    | FLOAT
    | string
    | TRUE
    | FALSE
    | NULL
    ;

string
    : STRING
    | RAW_STRING
    | TEXT_BLOCK
    ;

// Keywords that only mean something inside a rule or test header are still usable as names.
name
    : IDENT
    | SEVERITY | THREAT | REFS | REMEDIATION | DESCRIPTION | TAGS | ON | REPORT | AT | WHEN
    | GIVEN | EXPECT | LINE | COLUMN | FINDINGS | FILE | NO | TEST | AS | PARAM
    ;

// ---------------------------------------------------------------- lexer

PACKAGE     : 'package';
IMPORT      : 'import';
AS          : 'as';
CONST       : 'const';
PARAM       : 'param';
FUNC        : 'func';
RULE        : 'rule';
TEST        : 'test';
SEVERITY    : 'severity';
THREAT      : 'threat';
REFS        : 'refs';
REMEDIATION : 'remediation';
DESCRIPTION : 'description';
TAGS        : 'tags';
ON          : 'on';
FOR         : 'for';
LET         : 'let';
WHERE       : 'where';
REPORT      : 'report';
AT          : 'at';
WHEN        : 'when';
GIVEN       : 'given';
EXPECT      : 'expect';
NO          : 'no';
LINE        : 'line';
COLUMN      : 'column';
FINDINGS    : 'findings';
FILE        : 'file';
IF          : 'if';
THEN        : 'then';
ELSE        : 'else';
IN          : 'in';
ANY         : 'any';
ALL         : 'all';
NONE        : 'none';
COUNT       : 'count';
AND         : 'and';
OR          : 'or';
NOT         : 'not';
TRUE        : 'true';
FALSE       : 'false';
NULL        : 'null';

PLUS        : '+';
MINUS       : '-';

FLOAT
    : DIGIT+ '.' DIGIT+ EXPONENT?
    | DIGIT+ EXPONENT
    ;

INT
    : DIGIT+
    ;

IDENT
    : [a-zA-Z_] [a-zA-Z0-9_]*
    ;

// """ ... """ : multi-line text; the common indentation is removed by the AST builder.
TEXT_BLOCK
    : '"""' .*? '"""'
    ;

RAW_STRING
    : 'r"' ~["\r\n]* '"'
    ;

// Double- or single-quoted, with backslash escapes. Single quotes let a report template hold a string
// inside a {hole}: report "caps {join(c.capAdd, ', ')}".
STRING
    : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"'
    | '\'' ( '\\' ~[\r\n] | ~['\\\r\n] )* '\''
    ;

// `/// text` before a declaration is its documentation; the AST builder reads it from the hidden channel.
LINE_COMMENT
    : ('#' | '//') ~[\r\n]* -> channel(HIDDEN)
    ;

BLOCK_COMMENT
    : '/*' .*? '*/' -> channel(HIDDEN)
    ;

// U+FEFF is the byte order mark editors such as Notepad put at the start of a UTF-8 file.
WS
    : [ \t\r\n\f\uFEFF]+ -> channel(HIDDEN)
    ;

// A string that reaches the end of its line: one token, so the parser reports it once as unterminated.
UNTERMINATED_STRING
    : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )*
    | '\'' ( '\\' ~[\r\n] | ~['\\\r\n] )*
    ;

// Anything else becomes one token the parser rejects with a located message, instead of a lexer error.
UNEXPECTED_CHAR
    : .
    ;

fragment DIGIT    : [0-9];
fragment EXPONENT : [eE] [+-]? DIGIT+;
