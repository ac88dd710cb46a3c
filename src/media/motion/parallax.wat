;; The CPU renderer of depth moves (parallax.ts, renderFrameCpu) in WebAssembly: per output pixel,
;; sourcePosition's point without ambient motion, then the bilinear sample of the source. Every
;; step is the same f64 arithmetic, in the same order, as parallax.ts's reference loop
;; (renderFrameReference), so the two give the same bytes; parallax.ts owns the memory layout.
;; Built into parallax-wasm.ts by `node scripts/build-wasm.mjs`.
(module
  (memory (export "memory") 1)

  ;; min(hi, max(0, v)): clampTo in parallax.ts for a range that is never empty.
  (func $clamp (param $v f64) (param $hi f64) (result f64)
    (f64.min (local.get $hi) (f64.max (f64.const 0) (local.get $v))))

  ;; What depends on the column alone, once per frame: per column x, the picture's x (bx) and the
  ;; weight of the depth cell right of it (fx), two f64s at $columns + 16x, and the index of the
  ;; cell left of it, an i32 at $cells + 4x.
  (func (export "columns") (param $columns i32) (param $cells i32) (param $width i32) (param $dw i32) (param $viewX f64) (param $viewW f64)
    (local $x i32) (local $bx f64) (local $g f64) (local $cell i32)
    (loop $column
      (local.set $bx (f64.add (local.get $viewX)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $x)) (f64.const 0.5)) (f64.convert_i32_u (local.get $width))) (local.get $viewW))))
      ;; Where bx falls between two columns of the grid (sampleDepthRow in estimate-depth.ts).
      (local.set $g (call $clamp (f64.sub (f64.mul (local.get $bx) (f64.convert_i32_u (local.get $dw))) (f64.const 0.5))
        (f64.convert_i32_u (i32.sub (local.get $dw) (i32.const 1)))))
      (local.set $cell (i32.trunc_f64_s (f64.floor (local.get $g))))
      (if (i32.gt_s (local.get $cell) (i32.sub (local.get $dw) (i32.const 2)))
        (then (local.set $cell (i32.sub (local.get $dw) (i32.const 2)))))
      (f64.store (local.get $columns) (local.get $bx))
      (f64.store offset=8 (local.get $columns) (f64.sub (local.get $g) (f64.convert_i32_s (local.get $cell))))
      (i32.store (local.get $cells) (local.get $cell))
      (local.set $columns (i32.add (local.get $columns) (i32.const 16)))
      (local.set $cells (i32.add (local.get $cells) (i32.const 4)))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $column (i32.lt_u (local.get $x) (local.get $width)))))

  ;; Rows [$y, $end) of a frame: RGBA8 source (sw x sh) at $src, nearness grid (f32, dw x dh) at
  ;; $depth, RGBA8 output (width x height) at $out; the rest is the pose (parallax.ts's Pose,
  ;; without ambient); $columns and $cells as `columns` left them. parallax.ts asks for a few rows a call: V8 runs a call that is under way
  ;; to its end on the code it started with, so short calls pick up the optimised code early.
  (func (export "render")
    (param $src i32) (param $sw i32) (param $sh i32) (param $depth i32) (param $dw i32) (param $dh i32)
    (param $out i32) (param $width i32) (param $height i32) (param $y i32) (param $end i32) (param $columns i32) (param $cells i32)
    (param $viewX f64) (param $viewY f64) (param $viewW f64) (param $viewH f64)
    (param $scale f64) (param $shiftX f64) (param $shiftY f64) (param $pivot f64)
    (local $x i32) (local $cx f64) (local $cy f64) (local $bx f64) (local $by f64)
    (local $g f64) (local $cell i32) (local $start i32) (local $fy f64) (local $fx f64) (local $i i32)
    (local $d0 f64) (local $d2 f64) (local $top f64) (local $bottom f64) (local $d f64) (local $radial f64)
    (local $sx f64) (local $sy f64) (local $x0 i32) (local $y0 i32) (local $ax f64) (local $ay f64)
    (local $p i32) (local $q i32) (local $stride i32) (local $depthStride i32) (local $column i32)
    (local $a f64) (local $b f64) (local $red i32) (local $green i32) (local $blue i32)
    (local.set $cx (f64.add (local.get $viewX) (f64.div (local.get $viewW) (f64.const 2))))
    (local.set $cy (f64.add (local.get $viewY) (f64.div (local.get $viewH) (f64.const 2))))
    (local.set $stride (i32.shl (local.get $sw) (i32.const 2)))
    (local.set $depthStride (i32.shl (local.get $dw) (i32.const 2)))
    (local.set $out (i32.add (local.get $out) (i32.shl (i32.mul (local.get $y) (local.get $width)) (i32.const 2))))
    (loop $row
      (local.set $by (f64.add (local.get $viewY)
        (f64.mul (f64.div (f64.add (f64.convert_i32_u (local.get $y)) (f64.const 0.5)) (f64.convert_i32_u (local.get $height))) (local.get $viewH))))
      ;; The depth grid rows under this output row (depthRow in estimate-depth.ts).
      (local.set $g (call $clamp (f64.sub (f64.mul (local.get $by) (f64.convert_i32_u (local.get $dh))) (f64.const 0.5))
        (f64.convert_i32_u (i32.sub (local.get $dh) (i32.const 1)))))
      (local.set $cell (i32.trunc_f64_s (f64.floor (local.get $g))))
      (if (i32.gt_s (local.get $cell) (i32.sub (local.get $dh) (i32.const 2)))
        (then (local.set $cell (i32.sub (local.get $dh) (i32.const 2)))))
      (local.set $start (i32.mul (local.get $cell) (local.get $dw)))
      (local.set $fy (f64.sub (local.get $g) (f64.convert_i32_s (local.get $cell))))
      (local.set $x (i32.const 0))
      (local.set $column (local.get $columns))
      (loop $pixel
        ;; Nearness at bx along the row (sampleDepthRow).
        (local.set $bx (f64.load (local.get $column)))
        (local.set $fx (f64.load offset=8 (local.get $column)))
        (local.set $cell (i32.load (i32.add (local.get $cells) (i32.shl (local.get $x) (i32.const 2)))))
        (local.set $i (i32.add (local.get $depth) (i32.shl (i32.add (local.get $start) (local.get $cell)) (i32.const 2))))
        (local.set $d0 (f64.promote_f32 (f32.load (local.get $i))))
        (local.set $top (f64.add (local.get $d0)
          (f64.mul (f64.sub (f64.promote_f32 (f32.load offset=4 (local.get $i))) (local.get $d0)) (local.get $fx))))
        (local.set $i (i32.add (local.get $i) (local.get $depthStride)))
        (local.set $d2 (f64.promote_f32 (f32.load (local.get $i))))
        (local.set $bottom (f64.add (local.get $d2)
          (f64.mul (f64.sub (f64.promote_f32 (f32.load offset=4 (local.get $i))) (local.get $d2)) (local.get $fx))))
        ;; Displacement (displace in parallax.ts), then the source position in pixels.
        (local.set $d (f64.sub
          (f64.add (local.get $top) (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $fy)))
          (local.get $pivot)))
        (local.set $radial (f64.sub (f64.const 1) (f64.mul (local.get $scale) (local.get $d))))
        (local.set $sx (f64.min (f64.convert_i32_u (i32.sub (local.get $sw) (i32.const 1))) (f64.max (f64.const 0)
          (f64.sub (f64.mul
            (f64.add (f64.add (local.get $cx) (f64.mul (f64.sub (local.get $bx) (local.get $cx)) (local.get $radial)))
              (f64.mul (local.get $shiftX) (local.get $d)))
            (f64.convert_i32_u (local.get $sw))) (f64.const 0.5)))))
        (local.set $sy (f64.min (f64.convert_i32_u (i32.sub (local.get $sh) (i32.const 1))) (f64.max (f64.const 0)
          (f64.sub (f64.mul
            (f64.add (f64.add (local.get $cy) (f64.mul (f64.sub (local.get $by) (local.get $cy)) (local.get $radial)))
              (f64.mul (local.get $shiftY) (local.get $d)))
            (f64.convert_i32_u (local.get $sh))) (f64.const 0.5)))))
        (local.set $x0 (i32.trunc_f64_s (f64.floor (local.get $sx))))
        (if (i32.gt_s (local.get $x0) (i32.sub (local.get $sw) (i32.const 2)))
          (then (local.set $x0 (i32.sub (local.get $sw) (i32.const 2)))))
        (local.set $y0 (i32.trunc_f64_s (f64.floor (local.get $sy))))
        (if (i32.gt_s (local.get $y0) (i32.sub (local.get $sh) (i32.const 2)))
          (then (local.set $y0 (i32.sub (local.get $sh) (i32.const 2)))))
        (local.set $ax (f64.sub (local.get $sx) (f64.convert_i32_s (local.get $x0))))
        (local.set $ay (f64.sub (local.get $sy) (f64.convert_i32_s (local.get $y0))))
        (local.set $p (i32.add (local.get $src)
          (i32.shl (i32.add (i32.mul (local.get $y0) (local.get $sw)) (local.get $x0)) (i32.const 2))))
        ;; Per channel, the bilinear blend of the pixels at p, p + 4 (row above) and q, q + 4 (row
        ;; below): along x first, then between the rows, rounded half to even and clamped as
        ;; Uint8ClampedArray does. Written out three times: V8 does not inline wasm calls everywhere.
        (local.set $q (i32.add (local.get $p) (local.get $stride)))
        (local.set $a (f64.convert_i32_u (i32.load8_u (local.get $p))))
        (local.set $b (f64.convert_i32_u (i32.load8_u (local.get $q))))
        (local.set $top (f64.add (local.get $a) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=4 (local.get $p))) (local.get $a)) (local.get $ax))))
        (local.set $bottom (f64.add (local.get $b) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=4 (local.get $q))) (local.get $b)) (local.get $ax))))
        (local.set $red (i32.trunc_sat_f64_u (f64.nearest (f64.min (f64.const 255)
          (f64.add (local.get $top) (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $ay)))))))
        (local.set $a (f64.convert_i32_u (i32.load8_u offset=1 (local.get $p))))
        (local.set $b (f64.convert_i32_u (i32.load8_u offset=1 (local.get $q))))
        (local.set $top (f64.add (local.get $a) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=5 (local.get $p))) (local.get $a)) (local.get $ax))))
        (local.set $bottom (f64.add (local.get $b) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=5 (local.get $q))) (local.get $b)) (local.get $ax))))
        (local.set $green (i32.trunc_sat_f64_u (f64.nearest (f64.min (f64.const 255)
          (f64.add (local.get $top) (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $ay)))))))
        (local.set $a (f64.convert_i32_u (i32.load8_u offset=2 (local.get $p))))
        (local.set $b (f64.convert_i32_u (i32.load8_u offset=2 (local.get $q))))
        (local.set $top (f64.add (local.get $a) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=6 (local.get $p))) (local.get $a)) (local.get $ax))))
        (local.set $bottom (f64.add (local.get $b) (f64.mul (f64.sub (f64.convert_i32_u (i32.load8_u offset=6 (local.get $q))) (local.get $b)) (local.get $ax))))
        (local.set $blue (i32.trunc_sat_f64_u (f64.nearest (f64.min (f64.const 255)
          (f64.add (local.get $top) (f64.mul (f64.sub (local.get $bottom) (local.get $top)) (local.get $ay)))))))
        (i32.store (local.get $out)
          (i32.or
            (i32.or (local.get $red) (i32.shl (local.get $green) (i32.const 8)))
            (i32.or (i32.shl (local.get $blue) (i32.const 16)) (i32.const 0xff000000))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $column (i32.add (local.get $column) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br_if $pixel (i32.lt_u (local.get $x) (local.get $width))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $y) (local.get $end))))))
