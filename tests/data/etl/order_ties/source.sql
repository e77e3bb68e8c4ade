-- Movimentos that share data_movimento, inserted in reverse id order and with ids that do not follow
-- insertion, the two cards interleaved: only the id tie-break puts them in the order of the file.
INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES
  (1, 'Ana', 'Lima', 30, NULL),
  (2, 'Bruno', 'Costa', 45, NULL);
INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES
  (10, 'CC', '2020-01-01 09:00:00', 1),
  (20, 'CP', '2021-06-15 18:30:00', 2);
INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) VALUES
  (100, '4000000000000002', 'ANA LIMA', '2020-01-02 10:00:00', 10, 1),
  (200, '5100000000000008', 'BRUNO COSTA', '2021-06-16 08:00:00', 20, 2);
INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES
  (5008, 8.00, 'mov 5008', '2024-05-01 10:00:01', 100),
  (5009, 9.00, 'mov 5009', '2024-05-01 10:00:00', 100),
  (5007, 7.00, 'mov 5007', '2024-05-01 10:00:00', 200),
  (5005, 5.00, 'mov 5005', '2024-05-01 10:00:00', 100),
  (5003, 3.00, 'mov 5003', '2024-05-01 10:00:00', 200),
  (5001, 1.00, 'mov 5001', '2024-05-01 10:00:00', 100),
  (5006, 6.00, 'mov 5006', '2024-05-02 00:00:00', 100),
  (5004, 4.00, 'mov 5004', '2024-05-02 00:00:00', 200),
  (5002, 2.00, 'mov 5002', '2024-04-30 23:59:59', 200);
