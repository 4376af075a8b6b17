-- Drives Neovim's own LSP client (Neovim 0.7: vim.lsp.start_client + buf_attach_client) against `incc lsp`,
-- for test/lsp-neovim.test.ts. Started as `nvim --headless -u NONE -i NONE -n -c "luafile neovim-drive.lua"`
-- with INCC_NODE, INCC_CLI (the incc bin) and INCC_FILE (a copy of examples/tiny_inception.incp) in the
-- environment. Writes one line per result to stdout, `NAME<TAB>JSON`, then quits.
local file = os.getenv('INCC_FILE')
local lines_out = {}
local function emit(name, value)
  table.insert(lines_out, name .. '\t' .. vim.fn.json_encode(value))
end
local function finish()
  io.stdout:write(table.concat(lines_out, '\n') .. '\n')
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  -- -u NONE: no filetype detection, so the buffer is attached by hand, as an autocmd on *.incp would.
  vim.bo.filetype = 'incp'
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'incc',
    cmd = { os.getenv('INCC_NODE'), os.getenv('INCC_CLI'), 'lsp', '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    flags = { debounce_text_changes = 0 },
  })
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(60000, function() return client.initialized end, 20), 'the server did not initialize')
  local uri = vim.uri_from_bufnr(buf)
  local function errors()
    return vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
  end

  -- 1. An error: `conv 3x3 32` (line 19) misspelt as `cnv`.
  local original = vim.api.nvim_buf_get_lines(buf, 18, 19, false)[1]
  vim.api.nvim_buf_set_lines(buf, 18, 19, false, { (original:gsub('conv', 'cnv', 1)) })
  assert(vim.wait(60000, function() return #errors() > 0 end, 20), 'no error diagnostic arrived')
  local d = errors()[1]
  local lsp = d.user_data and d.user_data.lsp or {}
  emit('diagnostic', { code = d.code or lsp.code, lnum = d.lnum, col = d.col, message = d.message })
  vim.api.nvim_buf_set_lines(buf, 18, 19, false, { original })
  assert(vim.wait(60000, function() return #errors() == 0 end, 20), 'the error did not go away')

  -- 2. Hover on that layer.
  local function request(method, params)
    local res = vim.lsp.buf_request_sync(buf, method, params, 30000)
    assert(res and res[client_id], method .. ': no answer')
    assert(res[client_id].err == nil, method .. ': ' .. vim.inspect(res[client_id].err))
    return res[client_id].result
  end
  local hover = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = 18, character = 4 } })
  emit('hover', hover.contents.value)

  -- 3. Definition of the block call `Module()` on line 21.
  local col = vim.api.nvim_buf_get_lines(buf, 20, 21, false)[1]:find('Module') - 1
  local definition = request('textDocument/definition', {
    textDocument = { uri = uri }, position = { line = 20, character = col + 2 },
  })
  emit('definition', definition)

  -- 4. Completion after `conv 3x3 64 ` on a new line after line 19.
  vim.api.nvim_buf_set_lines(buf, 19, 19, false, { '  conv 3x3 64 ' })
  local completion = request('textDocument/completion', {
    textDocument = { uri = uri }, position = { line = 19, character = 14 },
  })
  local labels = {}
  for _, item in ipairs(completion.items or completion) do table.insert(labels, item.label) end
  emit('completion', labels)

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end)
if not ok then emit('error', tostring(err)) end
finish()
