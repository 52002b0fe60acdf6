import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (Portuguese entries).
export const pt: KeywordList = {
  card: [
    'cartao', 'cartao de credito', 'cartao credito', 'cartao de debito', 'cartao debito', 'numero do cartao',
    'numero de cartao', 'n do cartao', 'no do cartao', 'debito automatico', 'titular do cartao', 'pagamento',
  ],
  securityCode: ['codigo de seguranca', 'numero de verificacao', 'codigo de verificacao'],
  expiry: ['data de expiracao', 'data de validade', 'validade', 'vencimento', 'data em que expira', 'valido ate'],
  negativeHard: ['telefone', 'celular', 'cpf', 'cnpj'],
  negativeSoft: ['pedido', 'encomenda', 'fatura', 'nota fiscal', 'referencia', 'rastreamento', 'numero de serie', 'protocolo'],
};
